"""aws_env under a real php-fpm with clear_env left at its default (yes).

Layouts (see harness.Layout):
  1 fpm-is-pid1-root            php-fpm is PID 1 and holds the variables itself
  2 shell-pid1-root-master      a root shell (PID 1) holds them; php-fpm is
                                started with `env -i`, so only /proc/1/environ has them
  3 fpm-is-pid1-www-data        like 1, but php-fpm runs as www-data from the start
  4 shell-pid1-www-data-master  like 2, but the master is www-data: it may not
                                read root's /proc/1/environ, so nothing is captured

pm.max_requests = 1 gives a fresh worker per request; each scenario sends two
requests so that two different freshly forked workers are checked.
"""

from __future__ import annotations

import json

import pytest

import checks
import fixture_values as fx
import harness
from harness import (FPM_PID1_ROOT, FPM_PID1_WWW_DATA, SHELL_PID1_ROOT_MASTER,
                     SHELL_PID1_WWW_DATA_MASTER, FpmSpec)

CAPTURING_LAYOUTS = [FPM_PID1_ROOT, SHELL_PID1_ROOT_MASTER, FPM_PID1_WWW_DATA]
VARIABLES_ORDERS = ["GPCS", "EGPCS"]
JIT_MODES = ["0", "1"]
REQUESTS_PER_SCENARIO = 2

# What a worker must see when every allowlisted non-empty variable is captured.
EXPECTED_VISIBLE = {
    **fx.CAPTURABLE,
    **{name: None for name in fx.EMPTY},
    **{name: None for name in fx.FORBIDDEN},
}
NOTHING_VISIBLE = {name: None for name in fx.ALL_NAMES}


def php_ini(variables_order: str, jit: str) -> dict[str, str]:
    return {"variables_order": variables_order, "auto_globals_jit": jit}


def expected_source(layout: harness.Layout) -> str:
    # When php-fpm is PID 1 it has the variables itself: the process
    # environment is read first and wins. Otherwise only the file has them.
    return "process" if layout.pid1_is_fpm else "file"


class Scenario:
    """One php-fpm run: the spec, the probes of each request, the final log."""

    def __init__(self, launcher, spec: FpmSpec, names=fx.ALL_NAMES, params=None):
        self.spec = spec
        self.instance = launcher.start(spec)
        self.probes = [self.instance.probe(names, params) for _ in range(REQUESTS_PER_SCENARIO)]
        worker_pids = {probe.data["pid"] for probe in self.probes}
        assert len(worker_pids) == REQUESTS_PER_SCENARIO, (
            f"expected a fresh worker per request (pm.max_requests=1), got pids {worker_pids}"
        )
        self.log = self.instance.log()

    @property
    def variables_order(self) -> str:
        return self.spec.ini.get("variables_order", "EGPCS")  # PHP's built-in default


def assert_no_visibility_problems(scenario: Scenario, expectations: dict) -> None:
    for index, probe in enumerate(scenario.probes):
        problems = checks.all_visibility_problems(probe, expectations, scenario.variables_order)
        assert problems == [], f"request {index + 1}: " + "; ".join(problems)


def assert_one_log_line(scenario: Scenario) -> str:
    lines = harness.aws_env_log_lines(scenario.log)
    assert len(lines) == 1, f"expected exactly one 'aws_env: ' line, got {lines}"
    return lines[0]


def assert_no_values_logged(scenario: Scenario, values: dict[str, str]) -> None:
    assert checks.values_in_text(scenario.log, values) == [], (
        "values of these variables appear in the php-fpm log"
    )


# ---------------------------------------------------------------------------
# Layouts 1-3: the variables are captured and reach every worker.
# ---------------------------------------------------------------------------

CAPTURE_MATRIX = [
    pytest.param((layout, order, jit), id=f"{layout}-{order}-jit{jit}")
    for layout in CAPTURING_LAYOUTS
    for order in VARIABLES_ORDERS
    for jit in JIT_MODES
]


@pytest.fixture(scope="module", params=CAPTURE_MATRIX)
def captured(request, make_launcher) -> Scenario:
    layout, order, jit = request.param
    return Scenario(make_launcher(request), FpmSpec(layout, fx.PID1_ENV, ini=php_ini(order, jit)))


def test_worker_sees_each_captured_variable_in_every_channel(captured):
    # getenv('X'), getenv(), $_SERVER everywhere; $_ENV exactly when
    # variables_order has E (checked for presence and absence).
    assert_no_visibility_problems(captured, fx.CAPTURABLE)


def test_ini_settings_under_test_are_in_effect(captured):
    # Guards the matrix itself: the -d settings really reached the worker.
    for probe in captured.probes:
        assert probe.data["ini"]["variables_order"] == captured.spec.ini["variables_order"]
        assert probe.data["ini"]["auto_globals_jit"] == captured.spec.ini["auto_globals_jit"]
        assert probe.data["sapi"] == "fpm-fcgi"


def test_empty_and_non_allowlisted_variables_never_reach_a_worker(captured):
    hidden = {**fx.EMPTY, **fx.FORBIDDEN}
    assert_no_visibility_problems(captured, {name: None for name in hidden})
    for probe in captured.probes:
        assert checks.leaked_values(probe, fx.FORBIDDEN) == []


def test_status_reports_captured_names_sources_and_lengths(captured):
    source = expected_source(captured.spec.layout)
    for probe in captured.probes:
        status = probe.status
        assert checks.status_shape_problems(status) == []
        assert status["enabled"] is True
        assert status["sapi"] == "fpm-fcgi"
        assert status["version"] != ""
        assert sorted(status["names"]) == sorted(fx.DEFAULT_NAMES)
        assert status["invalid_names"] == []
        assert probe.source("process")["status"] == "read"
        file_source = probe.source("file")
        assert file_source["path"] == "/proc/1/environ"
        assert file_source["status"] == "read"
        assert file_source["error"] is None

        expected = {
            name: {"source": source, "length": len(value.encode()), "state": "injected"}
            for name, value in fx.CAPTURABLE.items()
        }
        assert probe.captured() == expected


def test_status_never_exposes_a_value(captured):
    for probe in captured.probes:
        dumped = json.dumps(probe.status)
        assert checks.values_in_text(dumped, fx.PID1_ENV) == []


def test_master_logs_one_line_naming_the_captured_variables(captured):
    line = assert_one_log_line(captured)
    missing = [name for name in fx.CAPTURABLE if name not in line]
    assert missing == [], f"log line does not name {missing}: {line}"
    assert "captured nothing" not in line


def test_no_value_appears_in_the_log(captured):
    assert_no_values_logged(captured, fx.PID1_ENV)


# ---------------------------------------------------------------------------
# Pool env[] lines: a non-empty one is kept, an empty one is replaced.
# ---------------------------------------------------------------------------

POOL_REGION = "eu-west-1"

POOL_MATRIX = [
    pytest.param((layout, order), id=f"{layout}-{order}")
    for layout in CAPTURING_LAYOUTS
    for order in VARIABLES_ORDERS
]


@pytest.fixture(scope="module", params=POOL_MATRIX)
def with_pool_env(request, make_launcher) -> Scenario:
    layout, order = request.param
    spec = FpmSpec(
        layout, fx.PID1_ENV, ini=php_ini(order, "1"),
        pool_env={
            "AWS_REGION": POOL_REGION,
            # Expands to "" (the master has no such variable): the worker
            # gets AWS_DEFAULT_REGION set but empty, which counts as absent.
            "AWS_DEFAULT_REGION": f"${fx.UNSET_NAME}",
        },
    )
    return Scenario(make_launcher(request), spec)


def test_non_empty_pool_env_value_is_kept(with_pool_env):
    assert_no_visibility_problems(with_pool_env, {"AWS_REGION": POOL_REGION})
    for probe in with_pool_env.probes:
        assert probe.value_anywhere(fx.CAPTURABLE["AWS_REGION"]) == [], (
            "PID 1's AWS_REGION value reached the worker despite the pool's env[AWS_REGION]"
        )
        assert probe.captured()["AWS_REGION"]["state"] == "kept"


def test_empty_pool_env_value_is_replaced_by_the_captured_one(with_pool_env):
    expected = fx.CAPTURABLE["AWS_DEFAULT_REGION"]
    assert_no_visibility_problems(with_pool_env, {"AWS_DEFAULT_REGION": expected})
    for probe in with_pool_env.probes:
        assert probe.captured()["AWS_DEFAULT_REGION"]["state"] == "injected"


def test_pool_env_does_not_disturb_the_other_variables(with_pool_env):
    others = {k: v for k, v in fx.CAPTURABLE.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    assert_no_visibility_problems(with_pool_env, others)
    assert_no_visibility_problems(with_pool_env, {name: None for name in fx.FORBIDDEN})
    assert_no_values_logged(with_pool_env, fx.PID1_ENV)


# ---------------------------------------------------------------------------
# Layout 4: a www-data master cannot read root's /proc/1/environ.
# ---------------------------------------------------------------------------

DENIED_MATRIX = [
    pytest.param((order, jit), id=f"{SHELL_PID1_WWW_DATA_MASTER}-{order}-jit{jit}")
    for order in VARIABLES_ORDERS
    for jit in JIT_MODES
]


@pytest.fixture(scope="module", params=DENIED_MATRIX)
def denied(request, make_launcher) -> Scenario:
    order, jit = request.param
    spec = FpmSpec(SHELL_PID1_WWW_DATA_MASTER, fx.PID1_ENV, ini=php_ini(order, jit))
    return Scenario(make_launcher(request), spec)


def test_unreadable_environ_file_gives_the_worker_nothing(denied):
    assert_no_visibility_problems(denied, NOTHING_VISIBLE)
    for probe in denied.probes:
        assert checks.leaked_values(probe, fx.PID1_ENV) == []


def test_unreadable_environ_file_is_reported_as_permission_denied(denied):
    for probe in denied.probes:
        assert checks.status_shape_problems(probe.status) == []
        assert probe.status["enabled"] is True
        file_source = probe.source("file")
        assert file_source["path"] == "/proc/1/environ"
        assert file_source["status"] == "permission_denied"
        assert "Permission denied" in (file_source["error"] or "")
        assert probe.captured() == {}


def test_unreadable_environ_file_is_logged_as_captured_nothing(denied):
    line = assert_one_log_line(denied)
    assert "captured nothing" in line
    assert "Permission denied" in line
    assert_no_values_logged(denied, fx.PID1_ENV)


# ---------------------------------------------------------------------------
# Single scenarios on layout 2 (the ECS-like one).
# ---------------------------------------------------------------------------


def test_control_without_the_extension_the_worker_sees_nothing(launch_fpm):
    """Proves the suite is honest: same layout, no aws_env, nothing visible.

    If this failed, variables would be reaching workers through the harness
    (or php-fpm itself) and the other tests would prove nothing.
    """
    scenario = Scenario(launch_fpm, FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV,
                                            ini=php_ini("EGPCS", "1"),
                                            load_extension=False))
    assert_no_visibility_problems(scenario, NOTHING_VISIBLE)
    for probe in scenario.probes:
        assert probe.data["extension_loaded"] is False
        assert probe.status is None
        assert checks.leaked_values(probe, fx.PID1_ENV) == []
    assert harness.aws_env_log_lines(scenario.log) == []


def test_fastcgi_params_take_precedence_over_captured_values(launch_fpm):
    fcgi_region = "fixture-fastcgi-region"
    scenario = Scenario(launch_fpm, FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV,
                                            ini=php_ini("EGPCS", "1")),
                        params={"AWS_REGION": fcgi_region})
    assert_no_visibility_problems(scenario, {"AWS_REGION": fcgi_region})
    # The other captured variables are still injected alongside.
    others = {k: v for k, v in fx.CAPTURABLE.items() if k != "AWS_REGION"}
    assert_no_visibility_problems(scenario, others)


def test_process_environment_wins_over_the_file_and_empty_counts_as_absent(launch_fpm):
    """The master's own environment is read first; an empty value there does
    not shadow a non-empty one in /proc/1/environ."""
    master_env = {
        "AWS_DEFAULT_REGION": "fixture-master-default-region",
        "AWS_STS_REGIONAL_ENDPOINTS": "",
    }
    scenario = Scenario(launch_fpm, FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV,
                                            master_env=master_env,
                                            ini=php_ini("EGPCS", "0")))
    expected = {**fx.CAPTURABLE, "AWS_DEFAULT_REGION": master_env["AWS_DEFAULT_REGION"]}
    assert_no_visibility_problems(scenario, expected)
    for probe in scenario.probes:
        captured = probe.captured()
        assert captured["AWS_DEFAULT_REGION"]["source"] == "process"
        assert captured["AWS_DEFAULT_REGION"]["length"] == len(master_env["AWS_DEFAULT_REGION"])
        assert captured["AWS_STS_REGIONAL_ENDPOINTS"]["source"] == "file"
        assert captured["AWS_REGION"]["source"] == "file"
    line = assert_one_log_line(scenario)
    assert all(name in line for name in expected), line
    assert_no_values_logged(scenario, {**fx.PID1_ENV, **master_env})


def test_disabled_extension_injects_nothing(launch_fpm):
    scenario = Scenario(launch_fpm, FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV,
                                            ini={**php_ini("EGPCS", "1"), "aws_env.enabled": "0"}))
    assert_no_visibility_problems(scenario, NOTHING_VISIBLE)
    for probe in scenario.probes:
        assert probe.status["enabled"] is False
        assert probe.captured() == {}
    assert_no_values_logged(scenario, fx.PID1_ENV)


def test_environ_file_setting_selects_the_file_to_read(launch_fpm, session_dir):
    """aws_env.environ_file replaces /proc/1/environ as the second source."""
    custom = {"AWS_REGION": "fixture-custom-file-region", "DB_PASSWORD": "fixture-custom-db-password"}
    environ_file = session_dir / "custom-environ"
    environ_file.write_bytes(b"".join(f"{k}={v}".encode() + b"\0" for k, v in custom.items()))
    environ_file.chmod(0o644)

    scenario = Scenario(launch_fpm, FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV,
                                            ini={**php_ini("EGPCS", "1"),
                                                 "aws_env.environ_file": str(environ_file)}))
    # Only the custom file's allowlisted variable; nothing from PID 1.
    expected = {name: None for name in fx.ALL_NAMES}
    expected["AWS_REGION"] = custom["AWS_REGION"]
    assert_no_visibility_problems(scenario, expected)
    for probe in scenario.probes:
        assert probe.source("file")["path"] == str(environ_file)
        assert probe.source("file")["status"] == "read"
        assert probe.captured() == {
            "AWS_REGION": {"source": "file", "length": len(custom["AWS_REGION"]), "state": "injected"},
        }
    for probe in scenario.probes:
        assert checks.leaked_values(probe, {"DB_PASSWORD": custom["DB_PASSWORD"]}) == []
    assert_no_values_logged(scenario, {**fx.PID1_ENV, **custom})
