"""pytest fixtures that both the php-fpm suite and the container suite use,
imported by each suite's conftest.py."""

from __future__ import annotations

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
