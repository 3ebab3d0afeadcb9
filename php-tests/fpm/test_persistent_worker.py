"""A persistent php-fpm worker (pm.max_requests = 0) serves request after
request: the variables aws_env injected into its environment at the first
request must be there at every later one, also after a request changed them
with putenv(), which PHP undoes when the request ends.

(The layout tests use a fresh worker per request, where every request is a
worker's first.)
"""

from __future__ import annotations

import urllib.parse

import pytest

import checks
import fixture_values as fx
from harness import SHELL_PID1_ROOT_MASTER, FpmSpec

INI = {"variables_order": "EGPCS", "auto_globals_jit": "1"}
EXPECTED = {**fx.CAPTURABLE, **{name: None for name in (*fx.EMPTY, *fx.FORBIDDEN)}}
REQUESTS = 20
REMOVED, EMPTIED, REPLACED = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_REGION", "AWS_DEFAULT_REGION"


@pytest.fixture(scope="module")
def worker(make_launcher, request):
    launcher = make_launcher(request)
    return launcher.start(FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV, ini=INI, max_requests=0))


def assert_sees_everything(instance, when: str) -> int:
    probe = instance.probe(fx.ALL_NAMES)
    problems = checks.all_visibility_problems(probe, EXPECTED, INI["variables_order"])
    assert problems == [], f"{when}: " + "; ".join(problems)
    states = {name: c["state"] for name, c in probe.captured().items()}
    assert states == {name: "injected" for name in fx.CAPTURABLE}, f"{when}: {states}"
    return probe.data["pid"]


def test_every_request_of_one_worker_sees_the_variables(worker):
    pids = {assert_sees_everything(worker, f"request {n + 1}") for n in range(REQUESTS)}
    assert len(pids) == 1, f"expected one persistent worker to serve every request, got {pids}"


def test_putenv_in_one_request_does_not_leak_into_the_next(worker):
    before = assert_sees_everything(worker, "before putenv()")
    query = urllib.parse.urlencode({"remove": REMOVED, "empty": EMPTIED, "replace": REPLACED})
    changed = worker.request("putenv_probe.php", query).json()
    # The changes took effect within that request...
    assert changed["pid"] == before
    assert changed["after"] == {"remove": False, "empty": "", "replace": "replaced-by-putenv"}
    # ...and the same worker's next requests see the captured values again.
    for n in range(3):
        after = assert_sees_everything(worker, f"request {n + 1} after putenv()")
        assert after == before, "a different worker served the request: the test proves nothing"
