"""No captured value ever leaves aws_env through a channel aws_env writes to.

Every value below carries this run's tag, so finding one anywhere can only
mean it was copied there. The channels: php-fpm's log (master and workers,
start-up line and warnings), phpinfo() in a worker, `php --ri aws_env`, the
aws_env_status() array (in a worker and in the CLI), and the CLI's warnings
on stderr and in its error_log. The sources hold valid values and values in
every kind of malformed entry (no `=`, empty name, invalid name, duplicate),
and one run points at a file too large to read, so that each error path is
exercised with values present.

Each check has a control proving that its channel was really captured (the
start-up line is in the log, the aws_env section is in the phpinfo output,
PHP's own environment section shows the values) so that an empty capture
cannot pass for a clean one.
"""

from __future__ import annotations

import json
import pathlib
import subprocess

import pytest

import fixture_values as fx
import harness
from harness import FPM_PID1_ROOT, FpmSpec

TAG = fx.RUN_TAG

# The environ file: one allowlisted value the process environment lacks, and
# each malformed class carrying a value of its own.
# With the role ARN, a token file path that does not exist: the worker's
# token-file warning and the SDK's verdict (not ok) run too, and must name
# neither.
FILE_VALUES = {
    "AWS_ROLE_ARN": f"arn:aws:iam::111122223333:role/leak-check-{TAG}",
    "AWS_WEB_IDENTITY_TOKEN_FILE": f"/nonexistent/leak-check-token-{TAG}",
}
MALFORMED_CHUNKS = {
    "no-equals": f"leak-check-no-equals-{TAG}",
    "empty-name": f"=leak-check-empty-name-{TAG}",
    "invalid-name": f"BAD-NAME=leak-check-invalid-name-{TAG}",
    "duplicate": f"AWS_ROLE_ARN=leak-check-duplicate-{TAG}",
    "not-allowlisted": f"DB_PASSWORD=leak-check-db-password-{TAG}",
}
MAX_ENVIRON_FILE_BYTES = 4 * 1024 * 1024

# Everything that must never be printed, by a label for messages.
SECRETS = {
    **{f"pid1 {name}": value for name, value in fx.PID1_ENV.items() if value},
    **{f"file {name}": value for name, value in FILE_VALUES.items()},
    **{f"file {kind}": chunk.split("=")[-1] for kind, chunk in MALFORMED_CHUNKS.items()},
}

# Malformed INI entries, so that the warning paths run too.
NAMES = ", ".join(fx.DEFAULT_NAMES) + ", bad-entry, *, %s"

# Everything phpinfo() shows except the two sections where PHP itself prints
# the environment (INFO_ENVIRONMENT = 16, INFO_VARIABLES = 32).
PHPINFO_WITHOUT_ENVIRONMENT = -1 & ~(16 | 32)
PHPINFO_SCRIPT = """<?php
phpinfo((int) $_GET['what']);
"""


def leaked(text: str) -> list[str]:
    """Labels of the secrets that occur in text."""
    return [label for label, value in SECRETS.items() if value in text]


def environ_bytes(entries: list[str]) -> bytes:
    return b"".join(entry.encode() + b"\0" for entry in entries)


@pytest.fixture(scope="module")
def environ_files(session_dir) -> dict[str, pathlib.Path]:
    readable = [f"{name}={value}" for name, value in FILE_VALUES.items()]
    good = environ_bytes(readable + list(MALFORMED_CHUNKS.values()))
    too_large = good + b"\0" * (MAX_ENVIRON_FILE_BYTES + 1 - len(good))
    files = {"malformed": good, "too-large": too_large}
    paths = {}
    for name, content in files.items():
        path = session_dir / f"leak-check-{name}.environ"
        path.write_bytes(content)
        path.chmod(0o644)
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def phpinfo_script(docroot) -> str:
    script = docroot / "phpinfo.php"
    script.write_text(PHPINFO_SCRIPT)
    script.chmod(0o644)
    return script.name


# --------------------------------------------------------------------------
# php-fpm: the log, phpinfo() and the status array in a worker
# --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["malformed", "too-large"])
def fpm(request, make_launcher, environ_files, phpinfo_script) -> harness.FpmInstance:
    """php-fpm as PID 1 holding the fixture values itself, reading a second
    source that is malformed or too large, with junk in aws_env.names."""
    spec = FpmSpec(FPM_PID1_ROOT, fx.PID1_ENV, ini={
        "aws_env.environ_file": str(environ_files[request.param]),
        "aws_env.names": NAMES,
        "display_startup_errors": "1",
        "log_errors": "1",
        "error_reporting": "-1",
        "variables_order": "EGPCS",
    })
    return make_launcher(request).start(spec)


def test_fpm_log_shows_no_value(fpm):
    probe = fpm.probe(fx.ALL_NAMES)  # a worker's output reaches the log too
    log = fpm.log()
    # Controls: the start-up line and the names warnings are in this log.
    assert len([line for line in harness.aws_env_log_lines(log) if "aws_env: captured" in line]) == 1, log
    assert "ignoring invalid entry" in log, log
    if "AWS_WEB_IDENTITY_TOKEN_FILE" in probe.status["captured"]:
        # The malformed file was read: the worker's warning about the token
        # file ran (and is swept below).
        assert "AWS_WEB_IDENTITY_TOKEN_FILE names cannot be read" in log, log
    assert leaked(log) == []


def test_worker_phpinfo_shows_no_value(fpm, phpinfo_script):
    without_environment = fpm.request(phpinfo_script, f"what={PHPINFO_WITHOUT_ENVIRONMENT}")
    text = without_environment.body.decode(errors="replace")
    assert "aws_env support" in text and "Captured AWS_REGION" in text, text[:2000]
    assert leaked(text) == []
    # Control: PHP's own environment section does show the injected values,
    # so the values were there to leak and the search would find them.
    environment = fpm.request(phpinfo_script, "what=16").body.decode(errors="replace")
    assert fx.CAPTURABLE["AWS_REGION"] in environment


def test_worker_status_array_shows_no_value(fpm):
    probe = fpm.probe(fx.ALL_NAMES)
    status = json.dumps(probe.status)
    assert "AWS_REGION" in status
    assert leaked(status) == []


# --------------------------------------------------------------------------
# The CLI: php --ri, the status array, warnings on stderr and in error_log
# --------------------------------------------------------------------------

CLI_CASES = {
    "--ri": ["--ri", "aws_env"],
    "status": ["-r", "var_export(aws_env_status());"],
    "phpinfo": ["-r", f"phpinfo({PHPINFO_WITHOUT_ENVIRONMENT});"],
}


@pytest.mark.parametrize("source", ["malformed", "too-large"])
@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_output_warnings_and_error_log_show_no_value(tools, so_path, environ_files,
                                                         session_dir, case, source):
    error_log = session_dir / f"cli-{case}-{source}-error.log"
    error_log.unlink(missing_ok=True)
    cmd = [
        tools.env, *harness.env_args({k: v for k, v in fx.PID1_ENV.items()}),
        tools.php, "-n", "-d", f"extension={so_path}",
        "-d", f"aws_env.environ_file={environ_files[source]}",
        "-d", f"aws_env.names={NAMES}",
        "-d", "display_startup_errors=1", "-d", "display_errors=stderr",
        "-d", "error_reporting=-1", "-d", "log_errors=1", "-d", f"error_log={error_log}",
        *CLI_CASES[case],
    ]
    res = subprocess.run(cmd, capture_output=True, timeout=60, env={})
    assert res.returncode == 0, res.stderr.decode(errors="replace")
    stdout = res.stdout.decode(errors="replace")
    stderr = res.stderr.decode(errors="replace")
    logged = error_log.read_text(errors="replace") if error_log.exists() else ""
    # Controls: the output is aws_env's, and the warnings were written.
    assert "AWS_REGION" in stdout, stdout[:2000]
    assert "ignoring invalid entry" in stderr, stderr
    assert "ignoring invalid entry" in logged, logged
    for channel, text in (("stdout", stdout), ("stderr", stderr), ("error_log", logged)):
        assert leaked(text) == [], f"{case} {channel}"
