"""Harness for the aws_env php-fpm integration tests.

Starts a real php-fpm inside a private PID namespace (with its own /proc, so
/proc/1/environ is the namespace's PID 1) and a private network namespace,
talks FastCGI to it with `cgi-fcgi`, and tears everything down by PID.

The harness only builds process layouts, sends requests and returns what the
worker and php-fpm reported; the tests hold the assertions about aws_env.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import pathlib
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from typing import Any, Optional

HERE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent

READY_TIMEOUT = 10.0  # seconds to wait for a socket / a server to come up
REQUEST_TIMEOUT = 20.0  # seconds for one FastCGI request (AsyncAws does HTTP)
STOP_TIMEOUT = 10.0  # seconds to wait for a killed process to be reaped

WWW_DATA = pwd.getpwnam("www-data")

class HarnessError(AssertionError):
    """The test machinery itself failed (not the extension under test)."""


# --------------------------------------------------------------------------
# Tools and artefacts
# --------------------------------------------------------------------------


def require_binary(name: str) -> str:
    """Absolute path of an executable, or a clear failure naming it."""
    path = shutil.which(name)
    if path is None:
        raise HarnessError(f"required program not found on PATH: {name}")
    return os.path.realpath(path)


@dataclasses.dataclass(frozen=True)
class Tools:
    php_fpm: str
    php: str
    cgi_fcgi: str
    env: str
    sh: str
    unshare: str
    setpriv: str
    ip: str
    python: str

    @classmethod
    def discover(cls) -> "Tools":
        return cls(
            php_fpm=require_binary(os.environ.get("PHP_FPM", "php-fpm8.2")),
            php=require_binary(os.environ.get("PHP", "php")),
            cgi_fcgi=require_binary("cgi-fcgi"),
            env=require_binary("env"),
            sh=require_binary("sh"),
            unshare=require_binary("unshare"),
            setpriv=require_binary("setpriv"),
            ip=require_binary("ip"),
            python=sys.executable,
        )


def extension_path() -> pathlib.Path:
    return pathlib.Path(
        os.environ.get("AWS_ENV_SO", REPO_ROOT / "target/release/libaws_env.so")
    )


def make_world_readable_dir(prefix: str) -> pathlib.Path:
    """A fresh temp dir that www-data can enter and write.

    pytest's tmp_path lives under a 0700 root directory that a www-data master
    or worker cannot traverse, so the tests use their own directories in /tmp.
    www-data owns it so that a non-root master can create its socket there.
    """
    path = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    os.chown(path, WWW_DATA.pw_uid, WWW_DATA.pw_gid)
    return path


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """Direct children of a host PID (via /proc/PID/task/*/children)."""
    found: list[int] = []
    try:
        for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except FileNotFoundError:
                pass
    except FileNotFoundError:
        pass
    return found


def wait_for(predicate, timeout: float, what: str, interval: float = 0.02):
    """Poll predicate() until it returns a truthy value; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise HarnessError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL, one process by PID; always reaps it."""
    if proc.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=STOP_TIMEOUT / 2)
            return
        except subprocess.TimeoutExpired:
            continue
    proc.wait(timeout=STOP_TIMEOUT)


def read_environ(pid: int) -> dict[str, str]:
    raw = pathlib.Path(f"/proc/{pid}/environ").read_bytes()
    entries = [e.decode(errors="replace") for e in raw.split(b"\0") if e]
    return dict(e.split("=", 1) if "=" in e else (e, "") for e in entries)


def real_uid(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise HarnessError(f"no Uid line for pid {pid}")


def env_args(variables: dict[str, str]) -> list[str]:
    """`env -i` arguments: a scrubbed environment holding exactly variables."""
    return ["-i"] + [f"{k}={v}" for k, v in variables.items()]


# --------------------------------------------------------------------------
# Network namespace and HTTP stand-ins
# --------------------------------------------------------------------------


class NetNamespace:
    """A named network namespace with only loopback, plus link-local addresses.

    169.254.170.2 (ECS credentials endpoint) and 169.254.169.254 (EC2 IMDS)
    live on lo here, so no packet can leave the namespace.
    """

    def __init__(self, tools: Tools, name: str, addresses: list[str]):
        self.tools = tools
        self.name = name
        self.created = False
        self.addresses = addresses

    def create(self) -> None:
        self._ip("netns", "add", self.name)
        self.created = True
        self._ip("-n", self.name, "link", "set", "lo", "up")
        for addr in self.addresses:
            self._ip("-n", self.name, "addr", "add", f"{addr}/32", "dev", "lo")

    def exec_prefix(self) -> list[str]:
        # `ip netns exec` execs the command in place (no fork), so the PID we
        # get from Popen is the command's own PID.
        return [self.tools.ip, "netns", "exec", self.name]

    def delete(self) -> None:
        if self.created:
            subprocess.run(
                [self.tools.ip, "netns", "del", self.name],
                check=False,
                capture_output=True,
                timeout=STOP_TIMEOUT,
            )
            self.created = False

    def _ip(self, *args: str) -> None:
        res = subprocess.run(
            [self.tools.ip, *args], capture_output=True, text=True, timeout=10
        )
        if res.returncode != 0:
            raise HarnessError(f"ip {' '.join(args)} failed: {res.stderr.strip()}")


class HttpStub:
    """One http_stub.py server inside a network namespace, logging requests."""

    def __init__(self, netns: NetNamespace, workdir: pathlib.Path, mode: str,
                 bind: str, extra_args: list[str] = (), name: Optional[str] = None):
        self.netns = netns
        self.mode = mode
        self.bind = bind
        name = name or mode
        self.log_path = workdir / f"{name}-requests.log"
        self.ready_path = workdir / f"{name}.ready"
        self.stderr_path = workdir / f"{name}.stderr"
        self.extra_args = list(extra_args)
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.log_path.write_text("")
        cmd = self.netns.exec_prefix() + [
            self.netns.tools.python, str(HERE / "http_stub.py"), self.mode,
            "--bind", self.bind, "--log", str(self.log_path),
            "--ready", str(self.ready_path), *self.extra_args,
        ]
        with self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=err, stderr=err
            )

        def up():
            if self.proc.poll() is not None:
                raise HarnessError(
                    f"{self.mode} stub exited: {self.stderr_path.read_text()}"
                )
            return self.ready_path.exists()

        wait_for(up, READY_TIMEOUT, f"{self.mode} stub on {self.bind}")

    def lines(self) -> list[str]:
        return self.log_path.read_text().splitlines()

    def requests(self) -> list[str]:
        """Request lines ("GET /path"), without the per-connection lines."""
        return [l for l in self.lines() if not l.startswith("CONNECT ")]

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)


# The link-local addresses AWS's credential endpoints live on.
ECS_ENDPOINT_IP = "169.254.170.2"  # ECS: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
POD_IDENTITY_IP = "169.254.170.23"  # EKS Pod Identity agent: ..._FULL_URI
IMDS_IP = "169.254.169.254"  # EC2 instance metadata: the SDKs' last resort


def credentials_document(served: dict[str, str]) -> str:
    """The JSON a container credentials endpoint answers, valid for an hour."""
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    return json.dumps({**served, "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ")})


class StandInEndpoints:
    """A fresh network namespace with the stand-in AWS endpoints, as a context
    manager (`with StandInEndpoints(...) as endpoints:`):

    - ecs:  169.254.170.2:80 serves `served` on GET relative_uri only;
    - pod_identity (when pod_identity_path is given): 169.254.170.23:80
      serves `served` on that path only to a request whose Authorization
      header is the content of pod_identity_token_file;
    - trap: 169.254.169.254:80 answers 404 to everything and logs every
      connection: the tests assert it saw nothing.

    php-fpm joins the namespace (`ip netns exec`, or a container's
    `--network ns:PATH`) and must be stopped before the endpoints are.
    """

    def __init__(self, tools: Tools, relative_uri: str, served: dict[str, str],
                 pod_identity_path: Optional[str] = None,
                 pod_identity_token_file: Optional[pathlib.Path] = None):
        self.tools = tools
        self.relative_uri = relative_uri
        self.served = served
        self.pod_identity_path = pod_identity_path
        self.pod_identity_token_file = pod_identity_token_file
        self.workdir: Optional[pathlib.Path] = None
        self.netns: Optional[NetNamespace] = None
        self.ecs: Optional[HttpStub] = None
        self.pod_identity: Optional[HttpStub] = None
        self.trap: Optional[HttpStub] = None

    def __enter__(self) -> "StandInEndpoints":
        self.workdir = make_world_readable_dir("aws_env_netns_")
        addresses = [ECS_ENDPOINT_IP, IMDS_IP]
        if self.pod_identity_path:
            addresses.append(POD_IDENTITY_IP)
        self.netns = NetNamespace(self.tools, f"awsenv-{os.getpid()}-{uuid.uuid4().hex[:8]}",
                                  addresses)
        body = self.workdir / "credentials.json"
        body.write_text(credentials_document(self.served))
        self.ecs = HttpStub(self.netns, self.workdir, "ecs", ECS_ENDPOINT_IP,
                            ["--path", self.relative_uri, "--body-file", str(body)])
        self.trap = HttpStub(self.netns, self.workdir, "trap", IMDS_IP)
        stubs = [self.ecs, self.trap]
        if self.pod_identity_path:
            self.pod_identity = HttpStub(
                self.netns, self.workdir, "ecs", POD_IDENTITY_IP,
                ["--path", self.pod_identity_path, "--body-file", str(body),
                 "--authorization-file", str(self.pod_identity_token_file)],
                name="pod-identity")
            stubs.append(self.pod_identity)
        try:
            self.netns.create()
            for stub in stubs:
                stub.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for stub in (self.trap, self.pod_identity, self.ecs):
            if stub is not None:
                stub.stop()
        if self.netns is not None:
            self.netns.delete()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


# --------------------------------------------------------------------------
# FastCGI requests
# --------------------------------------------------------------------------


@dataclasses.dataclass
class FastCgiResponse:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HarnessError(
                f"worker did not answer JSON ({exc}); body: {self.body[:2000]!r}"
            ) from None


def cgi_params(script_filename: str, query: str, params: Optional[dict[str, str]] = None,
               script_name: Optional[str] = None) -> dict[str, str]:
    """The CGI params of a GET request for a script, plus `params`."""
    script_name = script_name or "/" + pathlib.PurePosixPath(script_filename).name
    return {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "REQUEST_METHOD": "GET",
        "SCRIPT_FILENAME": script_filename,
        "SCRIPT_NAME": script_name,
        "REQUEST_URI": script_name + (f"?{query}" if query else ""),
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        **(params or {}),
    }


def fastcgi_request(tools: Tools, connect: str, script_filename: str, query: str = "",
                    params: Optional[dict[str, str]] = None, prefix: list[str] = (),
                    describe=lambda: "", script_name: Optional[str] = None,
                    any_status: bool = False) -> FastCgiResponse:
    """One FastCGI GET request with cgi-fcgi, a real FastCGI client. A status
    other than 200 is an error unless `any_status`.

    connect: a Unix socket path or HOST:PORT. script_filename: the script's
    path as php-fpm sees it (inside a container, the container's path);
    script_name: its URL path (default: /BASENAME). prefix: a command to run
    cgi-fcgi under (e.g. `ip netns exec NAME`, to reach a php-fpm listening
    inside a network namespace). describe(): text added to a failure
    (php-fpm's log).

    cgi-fcgi forwards its whole environment as FastCGI params, so it runs
    under `env -i` with only the CGI params: nothing from this test process
    (and no AWS variable) can reach the worker that way.
    """
    fcgi_params = cgi_params(script_filename, query, params, script_name)
    cmd = [*prefix, tools.env, *env_args(fcgi_params), tools.cgi_fcgi,
           "-bind", "-connect", connect]
    try:
        res = subprocess.run(cmd, capture_output=True, timeout=REQUEST_TIMEOUT, env={})
    except subprocess.TimeoutExpired:
        raise HarnessError(f"FastCGI request timed out; log:\n{describe()}") from None
    if res.returncode != 0:
        raise HarnessError(
            f"cgi-fcgi exited {res.returncode}: {res.stderr!r}; log:\n{describe()}"
        )
    head, sep, body = res.stdout.partition(b"\r\n\r\n")
    if not sep:
        raise HarnessError(f"no header/body separator in response: {res.stdout[:2000]!r}")
    headers = {}
    for line in head.decode(errors="replace").split("\r\n"):
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    status = headers.get("status", "200")
    if not any_status and not status.startswith("200"):
        raise HarnessError(f"worker answered {status}: {body[:2000]!r}; log:\n{describe()}")
    return FastCgiResponse(headers, body)


def probe_query(names: list[str]) -> str:
    """The query string of probe.php for these variable names."""
    return urllib.parse.urlencode({"names": ",".join(names)})


# --------------------------------------------------------------------------
# PID namespaces: a PID 1 that holds the task's variables
# --------------------------------------------------------------------------


def pid_namespace_prefix(tools: Tools, netns: Optional[NetNamespace]) -> list[str]:
    """The command prefix that runs a command as PID 1 of a private PID
    namespace with its own /proc (so /proc/1 is that command), in netns if
    given, else in a private network namespace of its own. The Popen PID is
    unshare's; the namespace's PID 1 is its child (`namespace_pid1`)."""
    if netns is not None:
        prefix = netns.exec_prefix() + [tools.unshare]
    else:
        prefix = [tools.unshare, "--net"]
    return prefix + ["--pid", "--fork", "--mount-proc"]


def shell_pid1_command(tools: Tools, pid1_env: dict[str, str], command: list[str]) -> list[str]:
    """PID 1 as a container entrypoint shell: it holds exactly pid1_env, starts
    command (which scrubs its own environment, with `env -i`) and waits for
    it. (`& wait` stops the shell from exec'ing the command in its place, so
    /proc/1/environ stays the shell's.)"""
    return [tools.env, *env_args(pid1_env), tools.sh, "-c", '"$@" & wait $!', "sh", *command]


def verify_shell_pid1(pid1: int, pid1_env: dict[str, str]) -> None:
    """Check that a `shell_pid1_command` PID 1 runs as root and holds exactly
    pid1_env: the shell keeps its environment block intact, so its
    /proc/PID/environ must be exactly the variables it was given. Without
    this a harness bug could make a test pass for the wrong reason."""
    if real_uid(pid1) != 0:
        raise HarnessError(f"PID 1 shell uid {real_uid(pid1)} != 0")
    pid1_environ = read_environ(pid1)
    if pid1_environ != pid1_env:
        raise HarnessError(
            f"PID 1 environment names {sorted(pid1_environ)} != expected {sorted(pid1_env)}"
        )


def namespace_pid1(unshare: Optional[subprocess.Popen]) -> Optional[int]:
    """Host PID of the namespace's PID 1 (the child of unshare)."""
    if unshare is None:
        return None
    kids = children_of(unshare.pid)
    return kids[0] if kids else None


def stop_pid_namespace(unshare: Optional[subprocess.Popen]) -> None:
    """Kill the namespace's PID 1 by its PID, which takes the whole namespace
    down, and reap unshare.

    `unshare --fork` does not forward SIGTERM to its child, so signalling
    unshare would not stop the server; killing PID 1 of a PID namespace kills
    every process in it, then unshare exits.
    """
    if unshare is None:
        return
    # Loop because, if start-up failed early, unshare may not have forked
    # PID 1 yet: keep looking for it until unshare is gone.
    deadline = time.monotonic() + STOP_TIMEOUT
    while unshare.poll() is None and time.monotonic() < deadline:
        pid1 = namespace_pid1(unshare)
        if pid1 is not None:
            try:
                os.kill(pid1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            unshare.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            pass
    stop_process(unshare)  # no-op once unshare has exited


# --------------------------------------------------------------------------
# php-fpm layouts
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where the variables live and who runs the php-fpm master.

    pid1_is_fpm: php-fpm is the namespace's PID 1 and holds the variables in
        its own environment; otherwise PID 1 is a root shell holding them and
        php-fpm is its child started with a scrubbed (`env -i`) environment,
        so only /proc/1/environ has them.
    master_is_root: the master runs as root (pool drops to www-data), or as
        www-data from the start (no `user =` in the pool).
    """

    id: str
    pid1_is_fpm: bool
    master_is_root: bool

    def __str__(self) -> str:
        return self.id


FPM_PID1_ROOT = Layout("fpm-is-pid1-root", pid1_is_fpm=True, master_is_root=True)
SHELL_PID1_ROOT_MASTER = Layout("shell-pid1-root-master", pid1_is_fpm=False, master_is_root=True)
FPM_PID1_WWW_DATA = Layout("fpm-is-pid1-www-data", pid1_is_fpm=True, master_is_root=False)
SHELL_PID1_WWW_DATA_MASTER = Layout("shell-pid1-www-data-master", pid1_is_fpm=False, master_is_root=False)


@dataclasses.dataclass
class FpmSpec:
    layout: Layout
    pid1_env: dict[str, str]
    # Only for shell layouts: the (otherwise empty) environment php-fpm gets.
    master_env: dict[str, str] = dataclasses.field(default_factory=dict)
    ini: dict[str, str] = dataclasses.field(default_factory=dict)  # -d k=v
    pool_env: dict[str, str] = dataclasses.field(default_factory=dict)  # env[k] = v
    load_extension: bool = True
    # None: run with -n (no php.ini at all). Otherwise a php.ini for -c; the
    # compiled-in conf.d scan dir then applies as well.
    php_ini: Optional[str] = None
    netns: Optional[NetNamespace] = None
    # An installed module to load instead of the session's build.
    module: Optional[pathlib.Path] = None
    # A conf.d to scan exactly as it is (with an empty php.ini): for testing
    # how an install step enabled the module.
    ini_scan_dir: Optional[str] = None
    # Pool files an install step wrote, included from [global]; the test pool
    # then takes their pool's name so that their settings (clear_env among
    # them) apply to it.
    global_includes: list[str] = dataclasses.field(default_factory=list)
    pool_name: str = "probe"
    # Workers of the pool (pm = static): the churn soak runs several at once.
    max_children: int = 1
    # 1: a fresh worker per request, so every request is the first one of a
    # newly forked worker (after fork, clearenv and setuid). 0: persistent
    # workers, which serve request after request.
    max_requests: int = 1
    # More pools of the same master, by name: each its own socket, with the
    # same user and process settings, and these pool directives, e.g.
    # {"php_admin_value[aws_env.names]": "AWS_REGION"}.
    extra_pools: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)


class FpmInstance:
    """A php-fpm (and its namespace) started from an FpmSpec."""

    def __init__(self, spec: FpmSpec, tools: Tools, so_path: pathlib.Path,
                 docroot: pathlib.Path, workdir: pathlib.Path):
        self.spec = spec
        self.tools = tools
        self.so_path = so_path
        self.docroot = docroot
        self.workdir = workdir
        self.socket_path = workdir / "fpm.sock"
        self.conf_path = workdir / "php-fpm.conf"
        self.log_path = workdir / "fpm-stderr.log"
        self.proc: Optional[subprocess.Popen] = None  # unshare (or ip netns exec)

    # ---- command line ---------------------------------------------------

    def fpm_config(self) -> str:
        pool_user = (
            # A root master must drop workers to an unprivileged user. A
            # www-data master cannot switch users, so the pool names none.
            "user = www-data\ngroup = www-data\n"
            "listen.owner = www-data\nlisten.group = www-data\n"
            if self.spec.layout.master_is_root else ""
        )
        env_lines = "".join(f"env[{k}] = {v}\n" for k, v in self.spec.pool_env.items())

        def pool(name: str, socket: pathlib.Path, directives: dict[str, str]) -> str:
            # clear_env is deliberately not set: its default (yes) is the point.
            return (
                f"\n[{name}]\n"
                f"listen = {socket}\n"
                "listen.mode = 0666\n"
                f"{pool_user}"
                "pm = static\n"
                f"pm.max_children = {self.spec.max_children}\n"
                f"pm.max_requests = {self.spec.max_requests}\n"
                # Worker stderr/log goes to the same log, so a value leaked by
                # a worker would be caught too.
                "catch_workers_output = yes\n"
                f"{env_lines}"
                + "".join(f"{k} = {v}\n" for k, v in directives.items())
            )

        return (
            "[global]\n"
            "error_log = /proc/self/fd/2\n"
            "daemonize = no\n"
            + "".join(f"include = {path}\n" for path in self.spec.global_includes)
            + pool(self.spec.pool_name, self.socket_path, {})
            + "".join(pool(name, self.pool_socket(name), values)
                      for name, values in self.spec.extra_pools.items())
        )

    def pool_socket(self, pool: Optional[str]) -> pathlib.Path:
        """The socket of the main pool (None) or of an extra pool."""
        return self.socket_path if pool is None else self.workdir / f"fpm-{pool}.sock"

    def scan_dir_without_aws_env(self) -> pathlib.Path:
        """A copy of the distribution's conf.d minus any file that loads aws_env.

        A machine where aws_env was installed and enabled (phpenmod) would
        otherwise load it from conf.d too: twice in one test, and at all in
        the control runs that must go without it.
        """
        source = pathlib.Path(self.spec.php_ini).parent / "conf.d"
        scan_dir = self.workdir / "conf.d"
        scan_dir.mkdir(mode=0o755)
        for ini in sorted(source.glob("*.ini")):
            text = ini.read_text(errors="replace")
            if "aws_env" not in text:
                (scan_dir / ini.name).write_text(text)
        return scan_dir

    def fpm_command(self) -> list[str]:
        cmd = [self.tools.php_fpm, "-F", "-O", "-y", str(self.conf_path)]
        if self.spec.ini_scan_dir is not None:
            empty_ini = self.workdir / "php.ini"
            empty_ini.write_text("")
            cmd = [self.tools.env, f"PHP_INI_SCAN_DIR={self.spec.ini_scan_dir}", *cmd,
                   "-c", str(empty_ini)]
        elif self.spec.php_ini is None:
            cmd += ["-n"]
        else:
            scan_dir = self.scan_dir_without_aws_env()
            cmd = [self.tools.env, f"PHP_INI_SCAN_DIR={scan_dir}", *cmd, "-c", self.spec.php_ini]
        if self.spec.load_extension:
            cmd += ["-d", f"extension={self.spec.module or self.so_path}"]
        for key, value in self.spec.ini.items():
            cmd += ["-d", f"{key}={value}"]
        return cmd

    def command(self) -> list[str]:
        spec, t = self.spec, self.tools
        prefix = pid_namespace_prefix(t, spec.netns)

        drop_to_www_data = [
            t.setpriv, f"--reuid={WWW_DATA.pw_uid}", f"--regid={WWW_DATA.pw_gid}",
            "--init-groups",
        ]
        as_master = [] if spec.layout.master_is_root else drop_to_www_data

        if spec.layout.pid1_is_fpm:
            # setpriv and env exec in place: php-fpm itself becomes PID 1.
            return prefix + as_master + [t.env, *env_args(spec.pid1_env), *self.fpm_command()]

        # PID 1 is a shell that keeps the variables and starts php-fpm with
        # a scrubbed environment.
        return prefix + shell_pid1_command(
            t, spec.pid1_env, [*as_master, t.env, *env_args(spec.master_env), *self.fpm_command()])

    # ---- lifecycle ------------------------------------------------------

    def start(self) -> None:
        self.conf_path.write_text(self.fpm_config())
        self.conf_path.chmod(0o644)
        # php-fpm reopens error_log=/proc/self/fd/2 by path: a www-data master
        # must be allowed to open this file for writing.
        self.log_path.write_bytes(b"")
        self.log_path.chmod(0o666)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        def ready():
            if self.proc.poll() is not None:
                raise HarnessError(f"php-fpm exited with {self.proc.returncode} before listening")
            if not self.socket_path.exists():
                return False
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                try:
                    s.connect(str(self.socket_path))
                    return True
                except OSError:
                    return False

        try:
            wait_for(ready, READY_TIMEOUT, f"php-fpm socket {self.socket_path}")
        except HarnessError as exc:
            raise HarnessError(f"{exc}\nphp-fpm log:\n{self.log()}") from None

    def namespace_pid1(self) -> Optional[int]:
        """Host PID of the namespace's PID 1 (the child of unshare)."""
        return namespace_pid1(self.proc)

    def master_pid(self) -> int:
        pid1 = wait_for(self.namespace_pid1, READY_TIMEOUT, "namespace PID 1")
        if self.spec.layout.pid1_is_fpm:
            return pid1
        return wait_for(lambda: (children_of(pid1) or [None])[0], READY_TIMEOUT,
                        "php-fpm master under the PID 1 shell")

    def verify_layout(self) -> None:
        """Check that the processes really are laid out as the spec says.

        Without this a harness bug (say, variables leaking into the master's
        environment) could make a test pass for the wrong reason.
        """
        spec = self.spec
        pid1 = wait_for(self.namespace_pid1, READY_TIMEOUT, "namespace PID 1")
        master = self.master_pid()
        if not spec.layout.pid1_is_fpm:
            # (php-fpm's own environment block cannot be checked this way:
            # its process title code overwrites it at start-up.)
            verify_shell_pid1(pid1, spec.pid1_env)
        expected_uid = 0 if spec.layout.master_is_root else WWW_DATA.pw_uid
        if real_uid(master) != expected_uid:
            raise HarnessError(f"master uid {real_uid(master)} != {expected_uid}")
        comm = pathlib.Path(f"/proc/{master}/comm").read_text().strip()
        if not comm.startswith("php-fpm"):
            raise HarnessError(f"expected php-fpm as master, found {comm!r}")

    def stop(self) -> None:
        """Kill the namespace's PID 1 (which takes the whole namespace down)."""
        stop_pid_namespace(self.proc)

    # ---- requests and output -------------------------------------------

    def request(self, script: str, query: str = "",
                params: Optional[dict[str, str]] = None, any_status: bool = False,
                pool: Optional[str] = None) -> FastCgiResponse:
        """One FastCGI request for a script of the docroot, on the socket of
        the main pool or of an extra `pool`. A status other than 200 is an
        error unless `any_status`."""
        return fastcgi_request(self.tools, str(self.pool_socket(pool)), str(self.docroot / script),
                               query, params, describe=self.log, script_name=f"/{script}",
                               any_status=any_status)

    def hang_up_during(self, script: str, query: str, after: bytes) -> bytes:
        """A FastCGI request whose client hangs up (a TCP-style reset of the
        unix socket) as soon as the response holds `after`, as a browser
        does when its user goes away. cgi-fcgi always reads to the end, so
        this speaks the protocol itself. Returns what arrived before.
        """
        params = cgi_params(str(self.docroot / script), query, script_name=f"/{script}")
        records = fcgi_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", FCGI_RESPONDER, 0))
        records += fcgi_record(FCGI_PARAMS, b"".join(
            fcgi_pair(k.encode(), v.encode()) for k, v in params.items()))
        records += fcgi_record(FCGI_PARAMS, b"") + fcgi_record(FCGI_STDIN, b"")
        received = b""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(REQUEST_TIMEOUT)
            s.connect(str(self.socket_path))
            s.sendall(records)
            while after not in received:
                chunk = s.recv(65536)
                if not chunk:
                    raise HarnessError(f"response ended before {after!r}: {received[:2000]!r}")
                received += chunk
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return received

    def probe(self, names: list[str], params: Optional[dict[str, str]] = None,
              pool: Optional[str] = None) -> "Probe":
        return Probe(self.request("probe.php", probe_query(names), params, pool=pool).json())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


# --------------------------------------------------------------------------
# FastCGI records, for the one client that must hang up part-way
# --------------------------------------------------------------------------

FCGI_BEGIN_REQUEST, FCGI_PARAMS, FCGI_STDIN = 1, 4, 5
FCGI_RESPONDER = 1


def fcgi_record(kind: int, content: bytes, request_id: int = 1) -> bytes:
    return struct.pack(">BBHHBx", 1, kind, request_id, len(content), 0) + content


def fcgi_pair(name: bytes, value: bytes) -> bytes:
    def length(n: int) -> bytes:
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


# --------------------------------------------------------------------------
# Probe results
# --------------------------------------------------------------------------


class Probe:
    """What one worker reported (see probe.php)."""

    def __init__(self, data: dict):
        self.data = data

    @property
    def status(self) -> Optional[dict]:
        return self.data["status"]

    def var(self, name: str) -> dict:
        return self.data["vars"][name]

    def value_anywhere(self, value: str) -> list[str]:
        """Where in getenv()/$_SERVER/$_ENV a value shows up (any key)."""
        where = []
        for channel, array in self.data["dumps"].items():
            for key, v in array.items():
                if isinstance(v, str) and value in v:
                    where.append(f"{channel}[{key}]")
        return where

    def captured(self) -> dict:
        """status['captured'] as a dict (PHP's empty array encodes as [])."""
        captured = self.status["captured"]
        return captured if isinstance(captured, dict) else {}

    def source(self, name: str) -> dict:
        matches = [s for s in self.status["sources"] if s["name"] == name]
        if len(matches) != 1:
            raise AssertionError(f"expected one {name!r} source, got {self.status['sources']}")
        return matches[0]


def aws_env_log_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "aws_env: " in line]
