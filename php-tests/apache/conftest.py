"""pytest fixtures for the aws_env Apache mod_php suite: prerequisites, the
probe script, the extension snapshot, and a launcher that starts apache2
(see apache.py) and always tears it down, even when a test fails."""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fpm"))
sys.path.insert(0, str(HERE))

import apache  # noqa: E402
import harness  # noqa: E402
from shared_fixtures import session_dir, so_path, tools  # noqa: E402,F401  (fixtures)


def pytest_configure(config):
    if os.geteuid() != 0:
        raise pytest.UsageError("the aws_env Apache suite must run as root (namespaces, "
                                "apache2 as root dropping to www-data)")


@pytest.fixture(scope="session")
def apache_tools() -> apache.ApacheTools:
    try:
        return apache.ApacheTools.discover()
    except harness.HarnessError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def docroot(session_dir) -> pathlib.Path:
    """The php-fpm suite's probe, readable by Apache's www-data children."""
    www = session_dir / "www"
    www.mkdir()
    www.chmod(0o755)
    shutil.copyfile(harness.HERE / "probe.php", www / "probe.php")
    (www / "probe.php").chmod(0o644)
    return www


@pytest.fixture
def launch_apache(request, tools, apache_tools, so_path, docroot) -> apache.ApacheLauncher:
    launcher = apache.ApacheLauncher(tools, apache_tools, so_path, docroot)
    request.addfinalizer(launcher.close)
    return launcher
