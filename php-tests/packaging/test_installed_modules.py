"""Checks on aws_env as installed by each install path (see ./run, which
builds them and passes their paths in): the module loads and reports itself,
and a real php-fpm with clear_env = yes serves a request that sees the ECS
credentials URI from PID 1's environment."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "fpm"))

import harness  # noqa: E402
from conftest import FpmLauncher, tools, session_dir, so_path, docroot  # noqa: E402,F401

RELATIVE_URI = "/v2/credentials/0b5c1e2a-install-path-check"
PID1_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": RELATIVE_URI,
}
# In php-fpm's own environment: visible in a worker only if clear_env is off.
CLEAR_ENV_MARKER = "AWS_ENV_TEST_CLEAR_ENV_MARKER"


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run php-tests/packaging/run", pytrace=False)
    return value


def installed_modules() -> dict[str, pathlib.Path]:
    pairs = [item.split("=", 1) for item in required_env("AWS_ENV_INSTALLED_MODULES").split(",")]
    return {path: pathlib.Path(module) for path, module in pairs}


INSTALL_PATHS = ["phpize", "pecl", "docker"]


@pytest.fixture(params=INSTALL_PATHS)
def install(request):
    return request.param, installed_modules()[request.param]


def test_installed_module_loads_and_reports_itself(install, tools):
    path, module = install
    assert module.is_file(), f"{path}: nothing installed at {module}"
    result = subprocess.run(
        [tools.php, "-n", "-d", f"extension={module}", "--ri", "aws_env"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, f"{path}: php --ri aws_env failed: {result.stderr}"
    assert "aws_env support => enabled" in result.stdout
    assert f"Version => {required_env('AWS_ENV_VERSION')}" in result.stdout


def fpm_spec(path: str, module: pathlib.Path) -> harness.FpmSpec:
    # PID 1 holds the variable; php-fpm starts scrubbed but for the marker.
    spec = harness.FpmSpec(
        harness.SHELL_PID1_ROOT_MASTER, PID1_ENV,
        master_env={CLEAR_ENV_MARKER: "visible-only-without-clear_env"},
    )
    if path == "docker":
        # Exactly what `aws_env-docker enable` produced: its conf.d enables
        # the module by name, its pool file must have clear_env back on.
        spec.ini_scan_dir = required_env("AWS_ENV_DOCKER_INI_DIR")
        spec.ini = {"extension_dir": str(module.parent)}
        spec.load_extension = False
        spec.global_includes = sorted(
            str(p) for p in pathlib.Path(required_env("AWS_ENV_DOCKER_POOL_DIR")).glob("*.conf")
        )
        spec.pool_name = "www"
    else:
        spec.module = module
    return spec


def test_php_fpm_with_the_install_serves_the_credentials_uri(install, request, tools, so_path, docroot):
    path, module = install
    launcher = FpmLauncher(tools, so_path, docroot)
    request.addfinalizer(launcher.close)
    instance = launcher.start(fpm_spec(path, module))
    probe = instance.probe(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", CLEAR_ENV_MARKER])

    uri = probe.var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    assert uri["getenv"] == RELATIVE_URI, f"{path}: worker saw {uri}"
    assert uri["server"] == RELATIVE_URI
    marker = probe.var(CLEAR_ENV_MARKER)
    assert marker["getenv"] is False and marker["server"] is None, (
        f"{path}: php-fpm's own environment reached the worker: clear_env is not on"
    )
    assert probe.status["captured"]["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]["source"] == "file"


def test_docker_enable_turned_clear_env_back_on():
    conf = pathlib.Path(required_env("AWS_ENV_DOCKER_POOL_DIR")) / "docker.conf"
    lines = [line.strip() for line in conf.read_text().splitlines()]
    assert "clear_env = yes" in lines
    assert not any(line.replace(" ", "") == "clear_env=no" for line in lines)
