"""Runs the images under test as ECS tasks / EKS pods would: with podman, each
container in its own PID namespace (so its command is PID 1) and joined to a
network namespace that holds the stand-in AWS endpoints (harness.StandInEndpoints).
php-fpm listens on port 9000 there; the tests talk FastCGI to it with the
php-fpm suite's client (harness.fastcgi_request) from inside that namespace.

Every container is removed by its ID, whatever happens to the test.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import resource
import shutil
import stat
import subprocess
from typing import Optional

import harness

# Where the tests' PHP scripts and Debian's PHP libraries (AsyncAws) appear
# inside a container: mounted read-only, never part of an image.
DOCROOT = "/srv/aws_env-tests"
PHP_LIBRARIES = "/usr/share/php"
FPM_PORT = 9000
# PHP settings an application would have in its php.ini: Debian's PHP library
# directory on the include path, and no deprecation notices in the response
# (Debian 12's AsyncAws predates PHP 8.4). Sent as the PHP_VALUE FastCGI
# param, as a web server's configuration would; the image itself is untouched.
PHP_VALUE = "include_path=.:/usr/share/php\nerror_reporting=E_ALL & ~E_DEPRECATED"

START_TIMEOUT = 30.0  # seconds for php-fpm in a container to be ready
PODMAN_TIMEOUT = 120.0  # seconds for one podman command


def podman_binary() -> str:
    return harness.require_binary("podman")


def podman(*args: str, timeout: float = PODMAN_TIMEOUT, check: bool = True) -> subprocess.CompletedProcess:
    res = subprocess.run([podman_binary(), *args], capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise harness.HarnessError(f"podman {' '.join(args[:3])} ... failed ({res.returncode}): "
                                   f"{res.stderr.strip()[-2000:]}")
    return res


# A process limit runc may set: far more than php-fpm's few processes need,
# below the 32768 that podman leaves its own children (runc cannot raise
# a limit above its parent's on this machine, see ulimits()).
NPROC_LIMIT = 4096


def ulimits() -> list[str]:
    """`--ulimit` options runc can apply here. By default podman asks runc for
    nofile=1048576 and a high nproc, and raising a limit needs
    CAP_SYS_RESOURCE, which this machine does not grant; Debian 12's podman
    4.3 ignores `--ulimit host`. So the host's own open-files limits and a
    modest process limit are given explicitly."""
    soft, hard = (-1 if value == resource.RLIM_INFINITY else value
                  for value in resource.getrlimit(resource.RLIMIT_NOFILE))
    return ["--ulimit", f"nofile={soft}:{hard}",
            "--ulimit", f"nproc={NPROC_LIMIT}:{NPROC_LIMIT}"]


def run_options() -> list[str]:
    """What every container here needs on this machine: runc (crun refuses
    this kernel's hybrid cgroups), ulimits it may set, and never a pull (only
    locally built images exist)."""
    return ["--runtime", "runc", *ulimits(), "--pull", "never"]


@dataclasses.dataclass
class ContainerSpec:
    image: str
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    # The command after the image (None: the image's CMD, `php-fpm`).
    command: Optional[list[str]] = None
    user: Optional[str] = None
    # Extra read-only bind mounts: host path -> container path.
    mounts: dict[str, str] = dataclasses.field(default_factory=dict)


class Container:
    """One container of an image under test, created and removed by ID."""

    def __init__(self, spec: ContainerSpec, tools: harness.Tools, docroot: pathlib.Path,
                 endpoints: Optional[harness.StandInEndpoints]):
        self.spec = spec
        self.tools = tools
        self.docroot = docroot
        self.endpoints = endpoints
        self.id: Optional[str] = None

    def create_args(self) -> list[str]:
        spec = self.spec
        args = ["create", *run_options()]
        if self.endpoints is not None:
            args += ["--network", f"ns:/var/run/netns/{self.endpoints.netns.name}"]
        else:
            args += ["--network", "none"]
        mounts = {str(self.docroot): DOCROOT, PHP_LIBRARIES: PHP_LIBRARIES, **spec.mounts}
        for host, inside in mounts.items():
            args += ["--volume", f"{host}:{inside}:ro"]
        for key, value in spec.env.items():
            args += ["--env", f"{key}={value}"]
        if spec.user is not None:
            args += ["--user", spec.user]
        args.append(spec.image)
        args += spec.command or []
        return args

    def create(self) -> None:
        self.id = podman(*self.create_args()).stdout.strip()

    def start(self) -> None:
        """Start it detached and wait until php-fpm is ready."""
        self.create()
        podman("start", self.id)
        self.wait_for_fpm()

    def run_to_end(self, timeout: float = PODMAN_TIMEOUT) -> subprocess.CompletedProcess:
        """Create, run attached to its end, return its output (not removed yet)."""
        self.create()
        return podman("start", "--attach", self.id, timeout=timeout, check=False)

    def running(self) -> bool:
        res = podman("inspect", "--format", "{{.State.Running}}", self.id, check=False)
        return res.stdout.strip() == "true"

    def wait_for_fpm(self) -> None:
        def ready():
            if not self.running():
                raise harness.HarnessError(f"container exited before php-fpm was ready; logs:\n{self.logs()}")
            return "ready to handle connections" in self.logs()

        try:
            harness.wait_for(ready, START_TIMEOUT, "php-fpm's 'ready to handle connections'", 0.1)
        except harness.HarnessError as exc:
            raise harness.HarnessError(f"{exc}\nlogs:\n{self.logs()}") from None

    def logs(self) -> str:
        if self.id is None:
            return ""
        res = podman("logs", self.id, check=False)
        return res.stdout + res.stderr

    def exec(self, *command: str) -> subprocess.CompletedProcess:
        return podman("exec", self.id, *command, check=False)

    def pid1(self) -> dict[str, str]:
        """PID 1's command name and real uid, as the container sees them."""
        comm = self.exec("cat", "/proc/1/comm").stdout.strip()
        status = self.exec("cat", "/proc/1/status").stdout
        uid = next((line.split()[1] for line in status.splitlines() if line.startswith("Uid:")), "")
        return {"comm": comm, "uid": uid}

    def request(self, script: str, query: str = "",
                params: Optional[dict[str, str]] = None) -> harness.FastCgiResponse:
        """One FastCGI request to the container's php-fpm, from inside the
        network namespace the container joined."""
        return harness.fastcgi_request(
            self.tools, f"127.0.0.1:{FPM_PORT}", f"{DOCROOT}/{script}",
            query, {"PHP_VALUE": PHP_VALUE, **(params or {})},
            prefix=self.endpoints.netns.exec_prefix(), describe=self.logs)

    def probe(self, names: list[str]) -> harness.Probe:
        return harness.Probe(self.request("probe.php", harness.probe_query(names)).json())

    def remove(self) -> None:
        if self.id is not None:
            podman("rm", "--force", "--time", "0", self.id, check=False)
            self.id = None


class TaskLauncher:
    """Starts containers, each in a fresh network namespace with the stand-in
    endpoints; close() removes every container by ID, then the endpoints."""

    def __init__(self, tools: harness.Tools, docroot: pathlib.Path):
        self.tools = tools
        self.docroot = docroot
        self.started: list[tuple[Container, Optional[harness.StandInEndpoints]]] = []

    def start(self, spec: ContainerSpec, endpoints: harness.StandInEndpoints) -> Container:
        """Bring up the endpoints, then the container in their namespace, and
        wait for its php-fpm."""
        endpoints.__enter__()
        container = Container(spec, self.tools, self.docroot, endpoints)
        self.started.append((container, endpoints))
        container.start()
        return container

    def one_shot(self, spec: ContainerSpec):
        """A container without network that runs its command to the end:
        returns (result, logs)."""
        container = Container(spec, self.tools, self.docroot, None)
        self.started.append((container, None))
        result = container.run_to_end()
        return result, container.logs()

    def close(self) -> None:
        for container, endpoints in reversed(self.started):
            container.remove()
            if endpoints is not None:
                endpoints.__exit__(None, None, None)
        self.started.clear()


class ImageTree:
    """An image's root filesystem, mounted read-only by podman for inspection."""

    def __init__(self, image: str):
        self.image = image
        self.path: Optional[pathlib.Path] = None

    def __enter__(self) -> "ImageTree":
        self.path = pathlib.Path(podman("image", "mount", self.image).stdout.strip())
        return self

    def __exit__(self, *exc_info) -> None:
        podman("image", "unmount", self.image, check=False)

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.path / rel.lstrip("/"))

    def glob(self, pattern: str) -> list[str]:
        return sorted("/" + str(p.relative_to(self.path)) for p in self.path.glob(pattern.lstrip("/")))

    def describe(self, rel: str) -> tuple:
        """What identifies a path's content: type, mode, owner, and a regular
        file's bytes' hash or a symlink's target (not mtimes: a step that
        rewrites a file unchanged gives it a new one)."""
        full = self.path / rel.lstrip("/")
        st = os.lstat(full)
        if stat.S_ISREG(st.st_mode):
            content = hashlib.sha256(full.read_bytes()).hexdigest()
        elif stat.S_ISLNK(st.st_mode):
            content = os.readlink(full)
        else:
            content = st.st_rdev if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else None
        return (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, content)

    def read(self, rel: str) -> bytes:
        return (self.path / rel.lstrip("/")).read_bytes()


def image_changes(image: str, base: str) -> dict[str, list[str]]:
    """What `podman image diff` says image changes on top of base: the
    paths its own layers added, deleted or touched (a touched path may still
    hold the same content: compare with ImageTree.describe)."""
    diff = json.loads(podman("image", "diff", "--format", "json", image, base).stdout or "{}")
    return {kind: sorted(diff.get(kind) or []) for kind in ("added", "deleted", "changed")}


def image_size(image: str) -> int:
    return int(podman("image", "inspect", "--format", "{{.Size}}", image).stdout.strip())


def copy_scripts(target: pathlib.Path, sources: list[pathlib.Path]) -> None:
    target.mkdir(mode=0o755, exist_ok=True)
    target.chmod(0o755)
    for source in sources:
        shutil.copyfile(source, target / source.name)
        (target / source.name).chmod(0o644)
