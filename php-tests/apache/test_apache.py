"""aws_env under Apache's mod_php (apache2handler, prefork MPM), the SAPI of
the official php:*-apache images.

apache2 is started as a container's entrypoint would start it: PID 1 is a
root shell holding the task's variables, and apache2 its child with a
scrubbed environment, so aws_env captures from /proc/1/environ in the root
master and injects into the environment at start-up; the children inherit
it. apache2handler builds $_SERVER from Apache's own table, never from the
environment: aws_env's hook adds the captured variables there, after
Apache's handler, and what Apache or its configuration (SetEnv) put there
wins.

No value is ever printed: the checks compare inside the test and name
channels, variables and lengths only.
"""

from __future__ import annotations

import pytest

import checks
import fixture_values as fx
from apache import ApacheSpec

# Every allowlisted non-empty variable of PID 1 must be visible; the empty
# one and those not on the allowlist must not be.
EXPECTED_VISIBLE = {
    **fx.CAPTURABLE,
    **{name: None for name in fx.EMPTY},
    **{name: None for name in fx.FORBIDDEN},
}
NOTHING_VISIBLE = {name: None for name in fx.ALL_NAMES}
REQUESTS = 3
RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"

# Variables Apache itself puts in $_SERVER: present, they show that Apache's
# own handler ran before aws_env's.
APACHE_OWN = ["SERVER_SOFTWARE", "SERVER_NAME", "REQUEST_URI", "PHP_SELF"]


def ini(variables_order: str, jit: str) -> dict[str, str]:
    return {"variables_order": variables_order, "auto_globals_jit": jit}


def apache_problems(probe) -> list[str]:
    """What is wrong with the SAPI side of a probe: not apache2handler, or
    Apache's own $_SERVER entries missing (the chained handler not run)."""
    problems = []
    if probe.data["sapi"] != "apache2handler":
        problems.append(f"SAPI {probe.data['sapi']!r}, expected apache2handler")
    server = probe.data["dumps"]["server"]
    problems += [f"$_SERVER['{name}'] missing: Apache's handler did not run"
                 for name in APACHE_OWN if name not in server]
    return problems


CHILD_MODES = {
    # Every request a freshly forked child's first (each child serves one
    # connection).
    "fresh-children": dict(children=REQUESTS, max_connections_per_child=1),
    # One child serves every request.
    "persistent-child": dict(children=1, max_connections_per_child=0),
}


@pytest.mark.parametrize("variables_order,jit", [("EGPCS", "1"), ("GPCS", "0"), ("EGPCS", "0")])
@pytest.mark.parametrize("children", list(CHILD_MODES))
def test_every_channel_in_every_child(launch_apache, children, variables_order, jit):
    instance = launch_apache.start(ApacheSpec(fx.PID1_ENV, php_ini=ini(variables_order, jit),
                                              **CHILD_MODES[children]))
    probes = instance.probe(fx.ALL_NAMES, REQUESTS)
    pids = {probe.data["pid"] for probe in probes}
    expected_pids = REQUESTS if children == "fresh-children" else 1
    assert len(pids) == expected_pids, f"{children}: requests served by {len(pids)} children"
    for number, probe in enumerate(probes, 1):
        problems = apache_problems(probe)
        problems += checks.all_visibility_problems(probe, EXPECTED_VISIBLE, variables_order)
        problems += checks.leaked_values(probe, fx.FORBIDDEN)
        assert problems == [], f"request {number}: " + "; ".join(problems)
        status = probe.status
        assert status["injection"] == "at_startup"
        sources = {name: info["source"] for name, info in probe.captured().items()}
        assert sources == {name: "file" for name in fx.CAPTURABLE}, (
            f"request {number}: expected every variable from /proc/1/environ: {sources}")
    assert checks.values_in_text(instance.log(), {**fx.PID1_ENV}) == [], (
        "a value of PID 1's environment is in Apache's error log")


def test_setenv_keeps_precedence(launch_apache):
    """Apache's configuration wins in $_SERVER and getenv('X') (which asks
    Apache's table first under apache2handler), also with an empty value;
    the environment (getenv(), $_ENV) keeps the captured value, since
    SetEnv never touches it."""
    set_env = {"AWS_REGION": f"apache-config-region-{fx.RUN_TAG}", "AWS_DEFAULT_REGION": ""}
    instance = launch_apache.start(ApacheSpec(fx.PID1_ENV, php_ini=ini("EGPCS", "1"),
                                              set_env=set_env))
    (probe,) = instance.probe(fx.ALL_NAMES)
    problems = apache_problems(probe)
    for name, configured in set_env.items():
        seen = probe.var(name)
        for channel, present, value, expected in [
            ("$_SERVER", seen["in_server"], seen["server"], configured),
            ("getenv('X')", seen["getenv"] is not False, seen["getenv"], configured),
            ("getenv()", seen["in_getenv_array"], seen["getenv_array"], fx.CAPTURABLE[name]),
            ("$_ENV", seen["in_env"], seen["env"], fx.CAPTURABLE[name]),
        ]:
            problem = checks.presence_problem(present, value, expected)
            if problem:
                problems.append(f"{name} in {channel}: {problem}")
    # The variables SetEnv does not name are added as ever.
    others = {name: value for name, value in EXPECTED_VISIBLE.items() if name not in set_env}
    problems += checks.all_visibility_problems(probe, others, "EGPCS")
    assert problems == [], "; ".join(problems)


def test_control_without_aws_env(launch_apache):
    """The same Apache without aws_env: nothing reaches any channel. This is
    what the other tests would see if aws_env did nothing, so they can fail."""
    instance = launch_apache.start(ApacheSpec(fx.PID1_ENV, load_extension=False,
                                              php_ini=ini("EGPCS", "1")))
    (probe,) = instance.probe(fx.ALL_NAMES)
    assert probe.data["extension_loaded"] is False
    problems = apache_problems(probe)
    problems += checks.all_visibility_problems(probe, NOTHING_VISIBLE, "EGPCS")
    assert problems == [], "; ".join(problems)
    assert not probe.var(RELATIVE_URI)["in_server"]


def test_graceful_restart(launch_apache):
    """After a graceful restart, which runs aws_env's MSHUTDOWN (the hook
    removed) and MINIT (captured again, hook installed) in Apache's parent,
    the new generation of children sees every variable in every channel."""
    instance = launch_apache.start(ApacheSpec(fx.PID1_ENV, php_ini=ini("EGPCS", "1")))
    (before,) = instance.probe(fx.ALL_NAMES)
    instance.graceful_restart()
    probes = instance.probe(fx.ALL_NAMES, REQUESTS)
    assert before.data["pid"] not in {probe.data["pid"] for probe in probes}, (
        "the child from before the restart served a request after it")
    for number, probe in enumerate(probes, 1):
        problems = apache_problems(probe)
        problems += checks.all_visibility_problems(probe, EXPECTED_VISIBLE, "EGPCS")
        assert problems == [], f"request {number} after the restart: " + "; ".join(problems)
        # The parent's environment holds what the first start-up injected,
        # so the second capture found everything there: MINIT did run again.
        sources = {name: info["source"] for name, info in probe.captured().items()}
        assert sources == {name: "process" for name in fx.CAPTURABLE}, sources


def test_concurrent_requests(launch_apache):
    """Requests in flight at once, on two children (under the worker MPM,
    on their threads too): every one sees every variable in every
    channel."""
    instance = launch_apache.start(ApacheSpec(fx.PID1_ENV, php_ini=ini("EGPCS", "1"), children=2))
    probes = instance.probe(fx.ALL_NAMES, count=32, parallel=8)
    for number, probe in enumerate(probes, 1):
        problems = apache_problems(probe)
        problems += checks.all_visibility_problems(probe, EXPECTED_VISIBLE, "EGPCS")
        assert problems == [], f"request {number}: " + "; ".join(problems)
