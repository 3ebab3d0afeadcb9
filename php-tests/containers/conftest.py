"""pytest fixtures for the container suite: the images under test (built by
docker/test/run and named in its environment), the scripts the containers
serve, and launchers that start a container inside a fresh network namespace
with the stand-in AWS endpoints and always remove both (even when a test
fails)."""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fpm"))
sys.path.insert(0, str(HERE))

import containers  # noqa: E402
import harness  # noqa: E402
from shared_fixtures import tools  # noqa: E402,F401  (a fixture)


def pytest_configure(config):
    if os.geteuid() != 0:
        raise pytest.UsageError("the aws_env container suite must run as root (podman, ip netns)")


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run docker/test/run", pytrace=False)
    return value


@pytest.fixture(scope="session")
def images() -> dict[str, str]:
    """The images under test by name: `dockerfile` (docker/Dockerfile) and
    `readme` (the README's snippet for an existing application)."""
    pairs = [item.split("=", 1) for item in required_env("AWS_ENV_TEST_IMAGES").split(",")]
    return dict(pairs)


@pytest.fixture(scope="session")
def base_image() -> str:
    """The php:8.4-fpm image both start from."""
    return required_env("AWS_ENV_TEST_BASE_IMAGE")


@pytest.fixture(scope="session")
def docroot():
    """The scripts the containers' workers run (mounted read-only): the php-fpm
    suite's probes, one for one, and this suite's EKS Pod Identity probe."""
    path = harness.make_world_readable_dir("aws_env_containers_")
    www = path / "www"
    containers.copy_scripts(www, [harness.HERE / "probe.php", harness.HERE / "asyncaws_probe.php",
                                  HERE / "pod_identity_probe.php"])
    yield www
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def launch(tools, docroot, request) -> containers.TaskLauncher:
    """Containers for one test, removed (with their endpoints) after it."""
    launcher = containers.TaskLauncher(tools, docroot)
    request.addfinalizer(launcher.close)
    return launcher
