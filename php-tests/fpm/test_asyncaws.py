"""AsyncAws Core (Debian's php-async-aws-core) gets ECS container credentials
inside a php-fpm worker, thanks to aws_env.

ECS-like layout 2: a root PID 1 holds AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
(plus decoys), php-fpm starts with a scrubbed environment and clear_env=yes.
Everything runs in a private network namespace where 169.254.170.2:80 is a
stand-in ECS credentials endpoint and 169.254.169.254:80 (EC2 IMDS, the
chain's last resort) is a trap that must never be contacted.
"""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest

import checks
import fixture_values as fx
import harness
from harness import SHELL_PID1_ROOT_MASTER, FpmSpec

ASYNCAWS_AUTOLOAD = "/usr/share/php/AsyncAws/Core/autoload.php"
# php-fpm runs with -n (no php.ini, so any PHP build works, not only Debian's)
# plus the php.ini-production settings an application relies on here:
# Debian's PHP library directory, no $_ENV, and no deprecation notices in the
# response (Debian's AsyncAws release predates the newest PHP).
WORKER_INI = {
    "include_path": ".:/usr/share/php",
    "variables_order": "GPCS",
    "error_reporting": "E_ALL & ~E_DEPRECATED",
}

RELATIVE_URI = f"/v2/credentials/{uuid.uuid4()}"
SERVED = fx.SERVED_CREDENTIALS

PID1_ENV = {
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": RELATIVE_URI,
    "AWS_REGION": fx.CAPTURABLE["AWS_REGION"],
    "AWS_EXECUTION_ENV": fx.CAPTURABLE["AWS_EXECUTION_ENV"],
    # Decoys that aws_env must not pass on: if it did, AsyncAws's
    # ConfigurationProvider would return this key pair instead of asking
    # the container endpoint.
    "AWS_ACCESS_KEY_ID": fx.FORBIDDEN["AWS_ACCESS_KEY_ID"],
    "AWS_SECRET_ACCESS_KEY": fx.FORBIDDEN["AWS_SECRET_ACCESS_KEY"],
}


@pytest.fixture(scope="module")
def asyncaws_available(tools):
    """Fail clearly (not deep inside a worker) if AsyncAws Core is unusable."""
    if not os.path.isfile(ASYNCAWS_AUTOLOAD):
        pytest.fail(f"prerequisite missing: {ASYNCAWS_AUTOLOAD} (php-async-aws-core)",
                    pytrace=False)
    check = (f"require '{ASYNCAWS_AUTOLOAD}';"
             "exit(class_exists(AsyncAws\\Core\\Credentials\\ChainProvider::class)"
             " && class_exists(Symfony\\Component\\HttpClient\\HttpClient::class) ? 0 : 1);")
    ini_args = [arg for key, value in WORKER_INI.items() for arg in ("-d", f"{key}={value}")]
    res = subprocess.run([tools.php, "-n", *ini_args, "-r", check],
                         capture_output=True, text=True, timeout=30, env={})
    if res.returncode != 0:
        pytest.fail(f"AsyncAws Core does not load with {tools.php}: {res.stdout}{res.stderr}",
                    pytrace=False)


@pytest.fixture
def ecs_network(tools, asyncaws_available):
    """A network namespace with the stand-in ECS endpoint and the IMDS trap.

    Tests request it before launch_fpm, so php-fpm (inside the namespace) is
    stopped before the servers and the namespace go away.
    """
    with harness.StandInEndpoints(tools, RELATIVE_URI, SERVED) as endpoints:
        yield endpoints.netns, endpoints.ecs, endpoints.trap


def run_asyncaws(launch_fpm, netns, load_extension: bool) -> tuple[dict, str]:
    spec = FpmSpec(SHELL_PID1_ROOT_MASTER, PID1_ENV, ini=WORKER_INI,
                   load_extension=load_extension, netns=netns)
    instance = launch_fpm.start(spec)
    result = instance.request("asyncaws_probe.php").json()
    return result, instance.log()


def test_asyncaws_default_chain_gets_container_credentials(ecs_network, launch_fpm):
    netns, ecs, trap = ecs_network
    result, log = run_asyncaws(launch_fpm, netns, load_extension=True)

    assert result["error"] is None, result["error"]
    assert result["status"] is not None, "aws_env not loaded in the worker"
    captured = result["status"]["captured"]
    assert captured["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]["source"] == "file"
    assert captured["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]["state"] == "injected"
    assert checks.served_credentials_problems(result, SERVED) == [], (
        f"stand-in saw {ecs.requests()}, trap saw {trap.lines()}"
    )
    assert ecs.requests() == [f"GET {RELATIVE_URI}"]
    assert trap.lines() == [], "the EC2 metadata trap was contacted"
    assert checks.values_in_text(log, {**PID1_ENV, **SERVED}) == [], "values in the php-fpm log"


def test_control_asyncaws_without_the_extension_finds_no_credentials(ecs_network, launch_fpm):
    """Same setup without aws_env: clear_env hides the relative URI, so the
    container endpoint is never asked (the chain falls through to IMDS)."""
    netns, ecs, trap = ecs_network
    result, _log = run_asyncaws(launch_fpm, netns, load_extension=False)

    assert result["error"] is None, result["error"]
    assert result["status"] is None
    assert result["credentials"] is None
    assert ecs.requests() == []
    # The chain fell through to EC2 instance metadata, and the trap saw it:
    # proof that the trap would catch the same fallback in the test above.
    assert trap.requests() != []
