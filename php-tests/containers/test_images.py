"""The aws_env images as built from docker/Dockerfile (`dockerfile`) and from
the README's snippet for an existing application (`readme`), run with podman
as an ECS task or an EKS pod would run them: the image's own entrypoint and
command, php-fpm as PID 1 in the container's own PID namespace, the platform's
variables in the container's environment, and the credential endpoints on
their link-local addresses (stand-ins, in a network namespace of the test's).

Nothing is configured from outside but the FastCGI params a web server sends:
the checks hold for the image exactly as it was built.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import uuid

import pytest

import checks
import containers
import fixture_values as fx
import harness
from containers import ContainerSpec

RELATIVE_URI = f"/v2/credentials/{uuid.uuid4()}"
SERVED = fx.SERVED_CREDENTIALS

# What ECS puts into a task's container (allowlisted by default) ...
ECS_VARIABLES = {
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": RELATIVE_URI,
    "AWS_REGION": fx.CAPTURABLE["AWS_REGION"],
    "AWS_DEFAULT_REGION": fx.CAPTURABLE["AWS_DEFAULT_REGION"],
    "AWS_EXECUTION_ENV": fx.CAPTURABLE["AWS_EXECUTION_ENV"],
    "ECS_CONTAINER_METADATA_URI_V4": fx.CAPTURABLE["ECS_CONTAINER_METADATA_URI_V4"],
}
# ... and what the task definition adds that must stay out of PHP: a secret
# and static keys. Only clear_env = yes keeps these from the workers; the
# keys are decoys too (AsyncAws would use them instead of the endpoint).
NOT_ALLOWLISTED = {
    "DB_PASSWORD": fx.FORBIDDEN["DB_PASSWORD"],
    "AWS_ACCESS_KEY_ID": fx.FORBIDDEN["AWS_ACCESS_KEY_ID"],
    "AWS_SECRET_ACCESS_KEY": fx.FORBIDDEN["AWS_SECRET_ACCESS_KEY"],
}
ECS_TASK_ENV = {**ECS_VARIABLES, **NOT_ALLOWLISTED}
ECS_EXPECTED = {**ECS_VARIABLES, **{name: None for name in NOT_ALLOWLISTED}}

POD_IDENTITY_PATH = "/v1/credentials"
POD_IDENTITY_TOKEN = f"fixture-pod-identity-token-{fx.RUN_TAG}"
POD_IDENTITY_TOKEN_PATH = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
EKS_VARIABLES = {
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://{harness.POD_IDENTITY_IP}{POD_IDENTITY_PATH}",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": POD_IDENTITY_TOKEN_PATH,
    "AWS_REGION": fx.CAPTURABLE["AWS_REGION"],
}

ALL_VALUES = {**ECS_TASK_ENV, **EKS_VARIABLES, **{f"served {k}": v for k, v in SERVED.items()},
              "pod identity token": POD_IDENTITY_TOKEN}

WWW_DATA_UID = "33"  # www-data in Debian's base-passwd, inside the image too


def ecs_endpoints(tools) -> harness.StandInEndpoints:
    return harness.StandInEndpoints(tools, RELATIVE_URI, SERVED)


def variables_order(probe: harness.Probe) -> str:
    return probe.data["ini"]["variables_order"]


def visibility_problems(probe: harness.Probe, expected: dict) -> list[str]:
    return checks.all_visibility_problems(probe, expected, variables_order(probe))


def assert_credentials_served(result: dict) -> None:
    assert checks.served_credentials_problems(result, SERVED) == []


# --------------------------------------------------------------------------
# ECS, CMD ["php-fpm"] as PID 1: the core checks, on both images
# --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["dockerfile", "readme"])
def ecs_task(request, images, tools, docroot):
    """One ECS-like task per image, shared by the core checks: the image's
    own CMD, the task's variables in the container's environment."""
    launcher = containers.TaskLauncher(tools, docroot)
    request.addfinalizer(launcher.close)
    endpoints = ecs_endpoints(tools)
    container = launcher.start(ContainerSpec(images[request.param], env=ECS_TASK_ENV), endpoints)
    return request.param, container, endpoints


def test_ecs_php_fpm_is_pid1_as_root(ecs_task):
    _name, container, _endpoints = ecs_task
    pid1 = container.pid1()
    assert pid1["comm"].startswith("php-fpm"), f"PID 1 is {pid1['comm']!r}, not php-fpm"
    assert pid1["uid"] == "0"


def test_ecs_variables_visible_and_others_hidden(ecs_task):
    """The ECS variables reach getenv('X'), getenv() and $_SERVER (and $_ENV
    as variables_order says); the variables not on the allowlist reach none
    of them: clear_env is back on in the image's pool."""
    name, container, _endpoints = ecs_task
    for _ in range(2):  # two requests: the worker that served one, and the next
        probe = container.probe(list(ECS_TASK_ENV))
        problems = visibility_problems(probe, ECS_EXPECTED)
        assert problems == [], f"{name}: " + "; ".join(problems)
        assert checks.leaked_values(probe, NOT_ALLOWLISTED) == []
        captured = probe.captured()["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]
        assert captured["source"] == "process" and captured["state"] == "injected", captured


def test_ecs_asyncaws_gets_the_task_credentials(ecs_task):
    """AsyncAws's default chain, in a worker, gets the credentials from the
    (stand-in) ECS endpoint and never falls through to EC2 metadata."""
    name, container, endpoints = ecs_task
    result = container.request("asyncaws_probe.php").json()
    assert result["status"] is not None, f"{name}: aws_env is not loaded in the worker"
    assert_credentials_served(result)
    assert endpoints.ecs.requests() == [f"GET {RELATIVE_URI}"]
    assert endpoints.trap.lines() == [], "the EC2 metadata trap was contacted"


def test_ecs_startup_line_in_podman_logs(ecs_task):
    name, container, _endpoints = ecs_task
    logs = container.logs()
    lines = harness.aws_env_log_lines(logs)
    assert len(lines) == 1, f"{name}: expected one aws_env start-up line in podman logs, got {lines}"
    assert "aws_env: captured " in lines[0]
    assert "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in lines[0]
    assert "from the process environment" in lines[0]
    assert checks.values_in_text(logs, ALL_VALUES) == [], "a value is in the container's log"


# --------------------------------------------------------------------------
# Other tasks and pods (docker/Dockerfile's image)
# --------------------------------------------------------------------------


@pytest.fixture
def pod_identity_token():
    """The projected service account token, as a host file to mount."""
    token_dir = harness.make_world_readable_dir("aws_env_token_")
    token_file = token_dir / "eks-pod-identity-token"
    token_file.write_text(POD_IDENTITY_TOKEN)
    token_file.chmod(0o644)
    yield token_file
    shutil.rmtree(token_dir, ignore_errors=True)


def test_eks_pod_identity_full_uri_and_mounted_token(images, tools, pod_identity_token, launch):
    """EKS Pod Identity: the FULL_URI and the token file's path reach the
    worker, which reads the token mounted into the container and gets
    credentials from the (stand-in) Pod Identity agent with it."""
    endpoints = harness.StandInEndpoints(tools, RELATIVE_URI, SERVED,
                                         pod_identity_path=POD_IDENTITY_PATH,
                                         pod_identity_token_file=pod_identity_token)
    spec = ContainerSpec(images["dockerfile"], env={**EKS_VARIABLES, **NOT_ALLOWLISTED},
                         mounts={str(pod_identity_token): POD_IDENTITY_TOKEN_PATH})
    container = launch.start(spec, endpoints)

    probe = container.probe([*EKS_VARIABLES, *NOT_ALLOWLISTED])
    expected = {**EKS_VARIABLES, **{name: None for name in NOT_ALLOWLISTED}}
    problems = visibility_problems(probe, expected)
    assert problems == [], "; ".join(problems)

    result = container.request("pod_identity_probe.php").json()
    assert_credentials_served(result)
    assert endpoints.pod_identity.requests() == [f"GET {POD_IDENTITY_PATH} authorized"]
    assert endpoints.ecs.requests() == []
    assert endpoints.trap.lines() == []
    assert checks.values_in_text(container.logs(), ALL_VALUES) == []


def test_non_root_master_with_user_www_data(images, tools, launch):
    """`--user www-data`: php-fpm is PID 1 as www-data and has the
    variables itself."""
    container = launch.start(ContainerSpec(images["dockerfile"], env=ECS_TASK_ENV, user="www-data"),
                             ecs_endpoints(tools))
    pid1 = container.pid1()
    assert pid1["comm"].startswith("php-fpm") and pid1["uid"] == WWW_DATA_UID, pid1
    probe = container.probe(list(ECS_TASK_ENV))
    problems = visibility_problems(probe, ECS_EXPECTED)
    assert problems == [], "; ".join(problems)
    assert probe.captured()["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]["source"] == "process"
    result = container.request("asyncaws_probe.php").json()
    assert_credentials_served(result)


def test_shell_pid1_starts_php_fpm_under_env_i(images, tools, launch):
    """PID 1 is a shell holding the task's variables; it starts php-fpm with
    a scrubbed environment (`env -i`), so only /proc/1/environ has them."""
    command = ["sh", "-c", 'env -i /usr/local/sbin/php-fpm & wait "$!"']
    container = launch.start(ContainerSpec(images["dockerfile"], env=ECS_TASK_ENV, command=command),
                             ecs_endpoints(tools))
    pid1 = container.pid1()
    assert pid1["comm"] == "sh" and pid1["uid"] == "0", pid1
    probe = container.probe(list(ECS_TASK_ENV))
    problems = visibility_problems(probe, ECS_EXPECTED)
    assert problems == [], "; ".join(problems)
    captured = probe.captured()["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]
    assert captured["source"] == "file" and captured["state"] == "injected", captured
    result = container.request("asyncaws_probe.php").json()
    assert_credentials_served(result)
    lines = harness.aws_env_log_lines(container.logs())
    assert len(lines) == 1 and "from /proc/1/environ" in lines[0], lines


# --------------------------------------------------------------------------
# The CLI inside the image
# --------------------------------------------------------------------------


def test_php_ri_aws_env(images, launch):
    """`php --ri aws_env`, through the image's entrypoint (an option as the
    first argument goes to php)."""
    result, _logs = launch.one_shot(ContainerSpec(images["dockerfile"], command=["--ri", "aws_env"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "aws_env support => enabled" in result.stdout
    version = harness.REPO_ROOT.joinpath("Cargo.toml").read_text()
    expected = re.search(r'^version = "([^"]+)"', version, re.M).group(1)
    assert f"Version => {expected}" in result.stdout


def test_aws_env_status_in_the_cli(images, launch):
    script = "echo json_encode(aws_env_status());"
    result, _logs = launch.one_shot(ContainerSpec(
        images["dockerfile"], env={"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": RELATIVE_URI},
        command=["php", "-r", script]))
    assert result.returncode == 0, result.stdout + result.stderr
    status = json.loads(result.stdout)
    assert checks.status_shape_problems(status) == []
    assert status["enabled"] is True and status["sapi"] == "cli"
    assert status["captured"]["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] == {
        "source": "process", "length": len(RELATIVE_URI), "state": "kept"}
    assert RELATIVE_URI not in result.stdout + result.stderr


# --------------------------------------------------------------------------
# What the image adds to php:8.4-fpm
# --------------------------------------------------------------------------

FPM_POOL_DIR = "/usr/local/etc/php-fpm.d"
INI = "/usr/local/etc/php/conf.d/docker-php-ext-aws_env.ini"
SCRIPT = "/usr/local/bin/aws_env-docker"
# Far above the module itself (a few MB), far below any compiler or toolchain.
MAX_GROWTH = 20 * 1024 * 1024
# What the build stage had and the final image must not: the Rust toolchain,
# clang and libclang, the build tree and the install root.
TOOLCHAIN_PATTERNS = [
    "usr/local/cargo", "usr/local/rustup", "usr/bin/clang*", "usr/lib/llvm-*",
    "usr/lib/*/libclang*", "usr/src/aws_env", "aws_env-install",
]


@pytest.mark.parametrize("name", ["dockerfile", "readme"])
def test_image_adds_only_the_module_and_its_settings(name, images, base_image):
    """The image is php:8.4-fpm plus aws_env.so, its conf.d file, the enable
    script, and docker.conf with clear_env = yes: no cargo, no rustup, no
    clang or libclang, no build tree."""
    image = images[name]
    changes = containers.image_changes(image, base_image)
    with containers.ImageTree(base_image) as base, containers.ImageTree(image) as built:
        # podman lists every path the image's layers touched; a path whose
        # type, mode, owner and content are the base's is not a change.
        changed = [path for path in changes["changed"]
                   if base.describe(path) != built.describe(path)]
        extension_dirs = {str(pathlib.PurePosixPath(p).parent)
                          for p in base.glob("usr/local/lib/php/extensions/*/opcache.so")}
        assert len(extension_dirs) == 1, extension_dirs
        module = f"{extension_dirs.pop()}/aws_env.so"
        assert changes["added"] == sorted([module, INI, SCRIPT]), f"{name}: added {changes['added']}"
        assert changes["deleted"] == [], f"{name}: deleted {changes['deleted']}"
        assert changed == [f"{FPM_POOL_DIR}/docker.conf"], f"{name}: changed {changed}"

        toolchain = [path for pattern in TOOLCHAIN_PATTERNS for path in built.glob(pattern)]
        assert toolchain == [], f"{name}: build tools in the final image: {toolchain[:20]}"

        assert built.read(INI).decode().split() == ["extension=aws_env.so"]
        old = base.read(f"{FPM_POOL_DIR}/docker.conf").decode().splitlines()
        new = built.read(f"{FPM_POOL_DIR}/docker.conf").decode().splitlines()
        assert "clear_env = no" in old
        assert new == ["clear_env = yes" if line == "clear_env = no" else line for line in old]

    growth = containers.image_size(image) - containers.image_size(base_image)
    assert 0 < growth < MAX_GROWTH, f"{name}: {growth} bytes more than {base_image}"
