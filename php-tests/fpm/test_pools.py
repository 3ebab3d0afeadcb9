"""Several pools of one php-fpm master, each with its own aws_env settings
(`php_admin_value[]` in the pool section), and the checks a worker makes for
itself at its first request: the token files its user must read, and the AWS
SDK's verdict in `aws_env_status()`.

Pools: the main one ("probe") keeps php.ini's settings; "off" has
`php_admin_flag[aws_env.enabled] = off`; "region" narrows `aws_env.names` to
AWS_REGION with a plain `php_value[]`.
"""

from __future__ import annotations

import os
import pathlib

import pytest

import checks
import fixture_values as fx
import harness
from harness import SHELL_PID1_ROOT_MASTER, FPM_PID1_ROOT, FpmSpec

# php-fpm writes all three kinds of pool line the same way; each is used.
POOLS = {
    "off": {"php_admin_flag[aws_env.enabled]": "off"},
    "region": {"php_value[aws_env.names]": "AWS_REGION"},
}
EXPECTED_BY_POOL = {
    None: set(fx.CAPTURABLE),
    "off": set(),
    "region": {"AWS_REGION"},
}


def pool_spec(layout, max_requests: int, **extra) -> FpmSpec:
    return FpmSpec(layout, fx.PID1_ENV, extra_pools=POOLS, max_requests=max_requests, **extra)


@pytest.fixture(scope="module", params=[
    (SHELL_PID1_ROOT_MASTER, 1), (SHELL_PID1_ROOT_MASTER, 0), (FPM_PID1_ROOT, 0),
], ids=lambda p: f"{p[0]}-{'fresh' if p[1] == 1 else 'persistent'}")
def pools(request, make_launcher):
    layout, max_requests = request.param
    return make_launcher(request).start(pool_spec(layout, max_requests))


@pytest.mark.parametrize("pool", [None, "off", "region"])
def test_each_pool_gets_what_its_settings_allow(pools, pool):
    # Twice: a persistent worker's second request must not widen anything,
    # and a fresh worker's must be the same as its predecessor's.
    for _ in range(2):
        probe = pools.probe(fx.ALL_NAMES, pool=pool)
        expected = EXPECTED_BY_POOL[pool]
        got = {name for name in fx.CAPTURABLE
               if probe.var(name)["getenv"] not in (False, None, "")}
        assert got == expected, f"pool {pool or 'probe'}"
        withheld = {name: value for name, value in fx.PID1_ENV.items()
                    if name not in expected}
        assert checks.leaked_values(probe, withheld) == [], f"pool {pool or 'probe'}"
        status = probe.status
        assert set(status["captured"]) == expected
        assert status["enabled"] is (pool != "off")
        assert status["pool"] is not None
        assert status["pool"]["narrowed"] is (pool is not None)


def test_status_of_a_narrowed_pool_shows_its_settings(pools):
    pool = pools.probe([], pool="region").status["pool"]
    assert pool == {
        "enabled": True, "narrowed": True, "names": ["AWS_REGION"], "invalid_names": [],
        "withheld": [], "unavailable": [], "environ_file_ignored": False,
    }


def test_no_value_in_the_log(pools):
    for pool in (None, "off", "region"):
        pools.probe([], pool=pool)
    assert checks.values_in_text(pools.log(), fx.PID1_ENV) == []


def test_fastcgi_php_admin_value_cannot_widen_a_pool(launch_fpm):
    """The web server's PHP_ADMIN_VALUE param writes the INI entry, and php-fpm
    keeps it for the worker's life: aws_env reads the pool's settings before
    the first request's params apply, and never again."""
    instance = launch_fpm.start(pool_spec(SHELL_PID1_ROOT_MASTER, 0))
    widen = {"PHP_ADMIN_VALUE": "aws_env.enabled=1\naws_env.names=AWS_*"}
    for pool in ("off", "region"):
        for _ in range(2):
            probe = instance.probe(fx.ALL_NAMES, params=widen, pool=pool)
            got = {name for name in fx.CAPTURABLE if probe.var(name)["getenv"]}
            assert got == EXPECTED_BY_POOL[pool], f"pool {pool}"
            assert set(probe.status["captured"]) == EXPECTED_BY_POOL[pool]


def test_a_pool_cannot_ask_for_more_than_php_ini_allows(launch_fpm):
    spec = FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV, max_requests=1,
                   ini={"aws_env.names": "AWS_REGION"},
                   extra_pools={"greedy": {
                       "php_admin_value[aws_env.names]": "AWS_REGION DB_PASSWORD AWS_ROLE_ARN"}})
    instance = launch_fpm.start(spec)
    for _ in range(3):
        probe = instance.probe(fx.ALL_NAMES, pool="greedy")
        assert set(probe.status["captured"]) == {"AWS_REGION"}
        assert probe.status["pool"]["withheld"] == ["DB_PASSWORD", "AWS_ROLE_ARN"]
        assert checks.leaked_values(probe, fx.FORBIDDEN) == []
    lines = [line for line in instance.log().splitlines() if "php.ini's aws_env.names" in line]
    # Three fresh workers found it; the master's shared memory lets one say it.
    assert len(lines) == 1, lines
    assert "DB_PASSWORD, AWS_ROLE_ARN" in lines[0] and "www-data" in lines[0]


# --------------------------------------------------------------------------
# Token files, checked by the worker as its own user
# --------------------------------------------------------------------------

ROLE_ARN = f"arn:aws:iam::123456789012:role/fixture-{fx.RUN_TAG}"


@pytest.fixture
def token_file():
    """A root-owned 0600 token file, as Kubernetes projects it without
    fsGroup, in a directory the workers can search."""
    directory = harness.make_world_readable_dir("aws_env_token_")
    path = directory / "token"
    path.write_text(f"fixture-web-identity-token-{fx.RUN_TAG}")
    os.chown(path, 0, 0)
    path.chmod(0o600)
    yield path
    path.unlink()
    directory.rmdir()


def irsa_spec(token: pathlib.Path) -> FpmSpec:
    env = {**fx.PID1_ENV, "AWS_ROLE_ARN": ROLE_ARN, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token)}
    return FpmSpec(SHELL_PID1_ROOT_MASTER, env, max_requests=1)


def token_warnings(log: str) -> list[str]:
    return [line for line in log.splitlines() if "AWS_WEB_IDENTITY_TOKEN_FILE names" in line]


def test_unreadable_token_file_is_reported_once_per_master(launch_fpm, token_file):
    instance = launch_fpm.start(irsa_spec(token_file))
    for _ in range(3):
        status = instance.probe([]).status
        assert status["token_files"] == {"AWS_WEB_IDENTITY_TOKEN_FILE": {
            "readable": False, "empty": False, "error": "Permission denied"}}
        credentials = status["credentials"]
        assert credentials["provider"] == "web_identity"
        assert credentials["ok"] is False
        assert "Permission denied" in credentials["why"]
        assert credentials["relies_on"][:2] == ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"]
    warnings = token_warnings(instance.log())
    assert len(warnings) == 1, warnings
    warning = warnings[0]
    for part in ("www-data", "Permission denied", "owned by uid 0, gid 0, mode 0600",
                 "fsGroup", "runAsUser"):
        assert part in warning, (part, warning)
    # The path is the variable's value, and the token is the file's secret.
    assert str(token_file) not in instance.log()
    assert token_file.read_text() not in instance.log()
    assert checks.values_in_text(instance.log(), fx.PID1_ENV) == []


def test_readable_token_file_gives_web_identity_and_no_warning(launch_fpm, token_file):
    token_file.chmod(0o644)
    instance = launch_fpm.start(irsa_spec(token_file))
    status = instance.probe([]).status
    assert status["token_files"] == {"AWS_WEB_IDENTITY_TOKEN_FILE": {
        "readable": True, "empty": False, "error": None}}
    assert status["credentials"]["provider"] == "web_identity"
    assert status["credentials"]["ok"] is True
    assert token_warnings(instance.log()) == []


def test_startup_line_ends_with_the_sdks_verdict(launch_fpm):
    instance = launch_fpm.start(FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV, max_requests=1))
    instance.probe([])
    lines = [line for line in harness.aws_env_log_lines(instance.log()) if "captured" in line]
    assert len(lines) == 1, lines
    assert lines[0].endswith(
        "— the AWS SDK will use the ECS container credentials endpoint"), lines[0]


def test_an_empty_fastcgi_param_makes_the_sdk_fall_back(launch_fpm):
    """PHP's getenv() asks the FastCGI params first, so an empty param hides
    the injected variable from the SDK: the verdict says so."""
    instance = launch_fpm.start(FpmSpec(SHELL_PID1_ROOT_MASTER, fx.PID1_ENV, max_requests=0))
    assert instance.probe([]).status["credentials"]["provider"] == "container"
    hidden = instance.probe([], params={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": ""}).status
    assert hidden["credentials"]["provider"] == "instance_metadata"
