"""Assertion helpers shared by the php-fpm tests.

They return lists of problems rather than asserting one thing at a time, so
that a failure shows every broken channel/variable at once.
"""

from __future__ import annotations

from typing import Optional

import harness


def visibility_problems(probe: harness.Probe, name: str, expected: Optional[str],
                        variables_order: str) -> list[str]:
    """Compare what the worker sees for `name` with what it should see.

    expected=None means the variable must be invisible in every channel.
    Otherwise getenv('X'), the getenv() array and $_SERVER must all hold
    `expected`, and $_ENV must hold it exactly when variables_order has E.
    """
    seen = probe.var(name)
    problems = []

    def check(channel: str, present: bool, value, want_present: bool):
        problem = presence_problem(present, value, expected if want_present else None)
        if problem:
            problems.append(f"{channel}: {problem}")

    visible = expected is not None
    check(f"getenv('{name}')", seen["getenv"] is not False, seen["getenv"], visible)
    check(f"getenv()['{name}']", seen["in_getenv_array"], seen["getenv_array"], visible)
    check(f"$_SERVER['{name}']", seen["in_server"], seen["server"], visible)
    check(f"$_ENV['{name}'] (variables_order={variables_order})",
          seen["in_env"], seen["env"], visible and "E" in variables_order)
    return problems


def presence_problem(present: bool, value, expected: Optional[str]) -> Optional[str]:
    """What is wrong with one channel's view of a variable, or None: absent
    when expected is None, else present with exactly expected. Worded
    without either value (lengths only), so a failure never prints one."""
    def shown(v) -> str:
        return f"a value of length {len(v)}" if isinstance(v, str) else f"a {type(v).__name__}"

    if expected is None:
        return f"{shown(value)}, expected absent" if present else None
    if not present:
        return f"absent, expected {shown(expected)}"
    if value != expected:
        return f"{shown(value)}, expected another, {shown(expected)}"
    return None


def all_visibility_problems(probe: harness.Probe, expectations: dict[str, Optional[str]],
                            variables_order: str) -> list[str]:
    return [
        problem
        for name, expected in expectations.items()
        for problem in visibility_problems(probe, name, expected, variables_order)
    ]


def leaked_values(probe: harness.Probe, values: dict[str, str]) -> list[str]:
    """Fixture values (by variable name) that appear anywhere in the worker's
    getenv(), $_SERVER or $_ENV, under any key."""
    return [
        f"{name} value found in {', '.join(where)}"
        for name, value in values.items()
        if value and (where := probe.value_anywhere(value))
    ]


def values_in_text(text: str, values: dict[str, str]) -> list[str]:
    """Names of the variables whose (fixture) value occurs in text."""
    return [name for name, value in values.items() if value and value in text]


def status_shape_problems(status: Optional[dict]) -> list[str]:
    """Check the documented shape of aws_env_status() (types only)."""
    if not isinstance(status, dict):
        return [f"aws_env_status() returned {type(status).__name__}, expected an array"]
    problems = []
    expected_types = {
        "version": str, "enabled": bool, "sapi": str, "names": list,
        "invalid_names": list, "sources": list, "captured": (dict, list),
        "credentials": dict, "token_files": (dict, list),
    }
    for key, kind in expected_types.items():
        if not isinstance(status.get(key), kind):
            problems.append(f"status[{key!r}] is {status.get(key)!r}")
    for source in status.get("sources") or []:
        if source.get("name") not in ("process", "file"):
            problems.append(f"source name {source.get('name')!r}")
        if source.get("status") not in ("read", "disabled", "not_found", "permission_denied",
                                        "too_large", "not_regular_file", "overwritten", "error"):
            problems.append(f"source status {source.get('status')!r}")
        if not isinstance(source.get("entries"), int):
            problems.append(f"source entries {source.get('entries')!r}")
        if not (source.get("path") is None or isinstance(source.get("path"), str)):
            problems.append(f"source path {source.get('path')!r}")
        if not (source.get("error") is None or isinstance(source.get("error"), str)):
            problems.append(f"source error {source.get('error')!r}")
    captured = status.get("captured")
    for name, info in (captured.items() if isinstance(captured, dict) else []):
        if set(info) != {"source", "length", "state"}:
            problems.append(f"captured[{name!r}] keys {sorted(info)}")
        elif (info["source"] not in ("process", "file") or not isinstance(info["length"], int)
              or info["state"] not in ("injected", "kept", "absent")):
            problems.append(f"captured[{name!r}] = {info!r}")
    problems += credentials_shape_problems(status.get("credentials"))
    pool = status.get("pool")
    if pool is not None and (not isinstance(pool, dict) or set(pool) != {
            "enabled", "narrowed", "names", "invalid_names", "withheld", "unavailable",
            "environ_file_ignored"}):
        problems.append(f"pool = {pool!r}")
    token_files = status.get("token_files")
    for name, info in (token_files.items() if isinstance(token_files, dict) else []):
        if name not in ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") \
                or set(info) != {"readable", "empty", "error"}:
            problems.append(f"token_files[{name!r}] = {info!r}")
    return problems


def credentials_shape_problems(credentials) -> list[str]:
    """The documented shape of aws_env_status()['credentials']."""
    if not isinstance(credentials, dict):
        return [f"credentials = {credentials!r}"]
    problems = []
    if set(credentials) != {"provider", "endpoint", "relies_on", "ok", "why", "notes", "summary",
                            "scope"}:
        problems.append(f"credentials keys {sorted(credentials)}")
    if credentials.get("provider") not in ("static_keys", "web_identity", "container",
                                           "instance_metadata"):
        problems.append(f"credentials provider {credentials.get('provider')!r}")
    if credentials.get("endpoint") not in (None, "ecs", "eks_pod_identity", "full_uri"):
        problems.append(f"credentials endpoint {credentials.get('endpoint')!r}")
    if not isinstance(credentials.get("ok"), bool) or \
            (credentials.get("ok") is False) != isinstance(credentials.get("why"), str):
        problems.append(f"credentials ok {credentials.get('ok')!r} with why")
    if not str(credentials.get("summary", "")).startswith("the AWS SDK will use "):
        problems.append("credentials summary")
    return problems


def served_credentials_problems(result: dict, served: dict[str, str]) -> list[str]:
    """What is wrong with asyncaws_probe.php's result, if the worker did not
    get exactly the key pair and token the stand-in endpoint serves."""
    if result.get("error") is not None:
        return [f"AsyncAws failed: {result['error']}"]
    expected = {
        "access_key_id": served["AccessKeyId"],
        "secret_key": served["SecretAccessKey"],
        "session_token": served["Token"],
    }
    got = result.get("credentials")
    if got is None:
        return ["AsyncAws found no credentials"]
    # Name the fields that differ, never their values.
    return [f"{field} is not the one the endpoint served"
            for field, value in expected.items() if got.get(field) != value]
