"""pytest fixtures that the php-fpm, container and Apache suites share,
imported by each suite's conftest.py."""

from __future__ import annotations

import pathlib
import shutil

import pytest

import harness


@pytest.fixture(scope="session")
def tools() -> harness.Tools:
    """The programs the tests run, found once; a missing one fails the run
    with its name instead of deep inside a test."""
    try:
        return harness.Tools.discover()
    except harness.HarnessError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def session_dir():
    path = harness.make_world_readable_dir("aws_env_session_")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def so_path(session_dir) -> pathlib.Path:
    """A snapshot of the built extension, readable by www-data.

    Copied once so that a rebuild during the run cannot hand a server a
    half-written file, and so a www-data master can load it whatever the
    permissions on the checkout are.
    """
    source = harness.extension_path()
    if not source.is_file():
        pytest.fail(
            f"aws_env extension not found at {source}: build it with "
            f"`cargo build --release` or set AWS_ENV_SO",
            pytrace=False,
        )
    snapshot = session_dir / "libaws_env.so"
    shutil.copyfile(source, snapshot)
    snapshot.chmod(0o644)
    return snapshot
