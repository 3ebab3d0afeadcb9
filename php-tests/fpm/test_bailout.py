"""The engine bails out (longjmp) from inside aws_env in one request: the
same persistent worker (pm.max_children = 1, so no other worker can answer)
must answer every later request, with the variables.

Before aws_env stopped holding its state lock across calls into the engine,
each of these left the lock held: the worker's next request then waited
for ever in aws_env's request hook, before any PHP code ran.
"""

from __future__ import annotations

import pytest

import checks
import fixture_values as fx
from harness import SHELL_PID1_ROOT_MASTER, FpmSpec

INI = {"variables_order": "EGPCS", "auto_globals_jit": "1"}
EXPECTED = {**fx.CAPTURABLE, **{name: None for name in (*fx.EMPTY, *fx.FORBIDDEN)}}
REQUESTS_AFTER = 3


# A php-fpm of its own per case, so each case proves itself: a worker hung by
# one case would fail every later one.
@pytest.fixture
def worker(launch_fpm):
    launcher = launch_fpm
    return launcher.start(FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV, ini=INI, max_requests=0))


def sees_everything(instance, when: str) -> int:
    """One probe request, which must see every captured variable; returns
    the pid of the worker that answered."""
    probe = instance.probe(fx.ALL_NAMES)
    problems = checks.all_visibility_problems(probe, EXPECTED, INI["variables_order"])
    assert problems == [], f"{when}: " + "; ".join(problems)
    return probe.data["pid"]


def assert_worker_still_serves(instance, before: int, case: str) -> None:
    for n in range(REQUESTS_AFTER):
        after = sees_everything(instance, f"request {n + 1} after {case}")
        assert after == before, f"after {case}, worker {after} answered instead of {before}"


@pytest.mark.parametrize("case, answer", [
    ("reentrant", b"reentrant: done"),
    ("memory_limit", b"Allowed memory size"),
    ("fatal_in_output_callback", None),
])
def test_worker_serves_on_after_a_bailout_inside_aws_env(worker, case, answer):
    before = sees_everything(worker, f"before {case}")
    response = worker.request("bailout_probe.php", f"case={case}", any_status=True)
    if answer is not None:
        assert answer in response.body, f"{case}: {response.body[:2000]!r}"
    assert_worker_still_serves(worker, before, case)


@pytest.mark.parametrize("cut_after", [b"aws_env support", b"Version", b"Capture", b"Injection"])
def test_worker_serves_on_after_the_client_hangs_up_during_phpinfo(worker, cut_after):
    before = sees_everything(worker, "before the hang-up")
    received = worker.hang_up_during("bailout_probe.php", "case=slow_section", cut_after)
    assert cut_after in received
    assert_worker_still_serves(worker, before, f"a hang-up after {cut_after!r}")
