"""pytest fixtures for the aws_env php-fpm suite: prerequisites, the scripts
and extension snapshot shared by a run, and a launcher that starts php-fpm
layouts and always tears them down (even when a test fails)."""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import harness  # noqa: E402
from shared_fixtures import session_dir, so_path, tools  # noqa: E402,F401  (fixtures)


def pytest_configure(config):
    if os.geteuid() != 0:
        # Namespaces, setpriv and `ip netns` all need root; say so instead
        # of failing in confusing ways (and never report a skip as a pass).
        raise pytest.UsageError("the aws_env php-fpm suite must run as root")


@pytest.fixture(scope="session")
def docroot(session_dir) -> pathlib.Path:
    """The PHP scripts the workers run, readable by www-data."""
    www = session_dir / "www"
    www.mkdir()
    www.chmod(0o755)
    for script in ("probe.php", "asyncaws_probe.php", "putenv_probe.php", "bailout_probe.php"):
        shutil.copyfile(harness.HERE / script, www / script)
        (www / script).chmod(0o644)
    # A directory of its own: its .user.ini must not change the other probes.
    user_ini = www / "user_ini"
    shutil.copytree(harness.HERE / "user_ini", user_ini)
    user_ini.chmod(0o755)
    for path in user_ini.iterdir():
        path.chmod(0o644)
    return www


class FpmLauncher:
    """Starts php-fpm instances, each in its own work dir, and stops them all."""

    def __init__(self, tools, so_path, docroot):
        self.tools = tools
        self.so_path = so_path
        self.docroot = docroot
        self.instances: list[harness.FpmInstance] = []
        self.workdirs: list[pathlib.Path] = []

    def start(self, spec: harness.FpmSpec) -> harness.FpmInstance:
        workdir = harness.make_world_readable_dir("aws_env_fpm_")
        self.workdirs.append(workdir)
        instance = harness.FpmInstance(spec, self.tools, self.so_path, self.docroot, workdir)
        self.instances.append(instance)
        instance.start()
        instance.verify_layout()
        return instance

    def close(self) -> None:
        for instance in reversed(self.instances):
            instance.stop()
        for workdir in self.workdirs:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def make_launcher(tools, so_path, docroot):
    """For parametrized module-scoped fixtures: make_launcher(request) gives a
    launcher whose php-fpm instances stop when that fixture instance is
    finalized (so only one matrix cell runs at a time)."""

    def make(request) -> FpmLauncher:
        launcher = FpmLauncher(tools, so_path, docroot)
        request.addfinalizer(launcher.close)
        return launcher

    return make


@pytest.fixture
def launch_fpm(request, make_launcher) -> FpmLauncher:
    return make_launcher(request)
