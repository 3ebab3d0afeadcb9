"""php-fpm's own lifecycle events: a graceful reload (SIGUSR2) and a worker
killed with SIGKILL. Afterwards new workers must still see the captured
variables, in the layouts where php-fpm is PID 1 and where it is a child of
PID 1.

On SIGUSR2 the master stops its workers and exec()s itself with the same
arguments: module start-up runs again in the same PID, so aws_env captures
again from its environment and /proc/1/environ. A killed worker is replaced
by a fork of the master, which must carry the captured state.
"""

from __future__ import annotations

import os
import re
import signal

import pytest

import checks
import fixture_values as fx
import harness
from harness import FPM_PID1_ROOT, FPM_PID1_WWW_DATA, SHELL_PID1_ROOT_MASTER, FpmSpec

LAYOUTS = [
    pytest.param(layout, id=str(layout))
    for layout in (FPM_PID1_ROOT, SHELL_PID1_ROOT_MASTER, FPM_PID1_WWW_DATA)
]
RELOADS = 2  # a second reload starts from an image that was itself reloaded
RELOAD_TIMEOUT = 20.0  # seconds: the master waits for its workers to quit first
INI = {"variables_order": "EGPCS"}


def assert_workers_see_the_variables(instance: harness.FpmInstance, when: str) -> set[int]:
    """Two requests, so two freshly forked workers (pm.max_requests = 1).
    Returns the workers' PIDs (as seen inside the namespace)."""
    expected = {**fx.CAPTURABLE, **{name: None for name in (*fx.EMPTY, *fx.FORBIDDEN)}}
    served = set()
    for attempt in range(2):
        probe = instance.probe(fx.ALL_NAMES)
        problems = checks.all_visibility_problems(probe, expected, INI["variables_order"])
        assert problems == [], f"{when}, request {attempt + 1}: " + "; ".join(problems)
        states = {name: c["state"] for name, c in probe.captured().items()}
        assert states == {name: "injected" for name in fx.CAPTURABLE}, f"{when}: {states}"
        served.add(probe.data["pid"])
    return served


def startup_lines(instance: harness.FpmInstance) -> list[str]:
    return harness.aws_env_log_lines(instance.log())


def ready_count(instance: harness.FpmInstance) -> int:
    return instance.log().count("ready to handle connections")


def namespace_pid(host_pid: int) -> int:
    """The PID a process has inside its own PID namespace (NSpid's last)."""
    with open(f"/proc/{host_pid}/status") as status:
        for line in status:
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    raise harness.HarnessError(f"no NSpid for pid {host_pid}")


def idle_fresh_worker(master: int, served: set[int]):
    """Host PID of the pool's one worker once it is a new one (not one that
    served a request and is about to exit by itself), else None."""
    try:
        workers = [pid for pid in harness.children_of(master) if namespace_pid(pid) not in served]
    except FileNotFoundError:  # a worker exited while we looked
        return None
    return workers[0] if len(workers) == 1 else None


@pytest.mark.parametrize("layout", LAYOUTS)
def test_new_workers_see_the_variables_after_graceful_reloads(launch_fpm, layout):
    instance = launch_fpm.start(FpmSpec(layout, fx.PID1_ENV, ini=INI))
    master = instance.master_pid()
    assert_workers_see_the_variables(instance, "before any reload")

    for reload in range(1, RELOADS + 1):
        os.kill(master, signal.SIGUSR2)
        harness.wait_for(lambda: ready_count(instance) == reload + 1, RELOAD_TIMEOUT,
                         f"php-fpm ready again after reload {reload}")
        assert f"reloading: execvp(" in instance.log(), "php-fpm did not re-exec itself"
        # The same process, re-executed in place: still the master, same layout.
        assert instance.master_pid() == master
        instance.verify_layout()
        assert_workers_see_the_variables(instance, f"after reload {reload}")

    lines = startup_lines(instance)
    assert len(lines) == RELOADS + 1, f"expected one start-up line per start: {lines}"
    for line in lines:
        missing = [name for name in fx.CAPTURABLE if name not in line]
        assert missing == [] and "captured nothing" not in line, line
    assert checks.values_in_text(instance.log(), fx.PID1_ENV) == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_new_workers_see_the_variables_after_a_worker_is_killed(launch_fpm, layout):
    instance = launch_fpm.start(FpmSpec(layout, fx.PID1_ENV, ini=INI))
    master = instance.master_pid()
    served = assert_workers_see_the_variables(instance, "before the kill")

    # The pool's one worker (pm = static, max_children = 1), once the one that
    # served the last request has exited and been replaced: that one would
    # exit anyway, and the kill would prove nothing.
    idle = harness.wait_for(lambda: idle_fresh_worker(master, served), harness.READY_TIMEOUT,
                            "a fresh idle worker")
    killed = namespace_pid(idle)
    os.kill(idle, signal.SIGKILL)
    harness.wait_for(lambda: re.search(rf"child {killed} exited on signal 9", instance.log()),
                     harness.READY_TIMEOUT, "the master to reap the killed worker")
    harness.wait_for(lambda: idle_fresh_worker(master, served | {killed}), harness.READY_TIMEOUT,
                     "a replacement worker")

    assert_workers_see_the_variables(instance, "after a worker was killed")
    assert len(startup_lines(instance)) == 1, "a killed worker must not restart the module"
    assert checks.values_in_text(instance.log(), fx.PID1_ENV) == []
