"""Harness for the aws_env Apache mod_php suite.

Starts a real apache2 (prefork MPM) with Debian's mod_php
(libapache2-mod-php) the way a container runs it: inside a private PID
namespace (with its own /proc, so /proc/1/environ is the namespace's PID 1)
whose PID 1 is a root shell holding the task's variables, and which starts
apache2 with a scrubbed environment (`env -i`), so only /proc/1/environ has
them. The configuration is the test's own (not /etc/apache2's sites), and
Apache listens on 127.0.0.1:80 inside a network namespace the test creates;
the requests are sent from inside it. Everything is torn down by PID and by
name of the test's own namespace.

The php-fpm suite's harness provides the namespaces, the PID 1 shell and
the probe's results; this module only adds what is Apache's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import signal
import subprocess
import uuid
from typing import Optional

import harness
from harness import HarnessError

HERE = pathlib.Path(__file__).resolve().parent

# apache2 is started with exactly this environment: no AWS variable, and no
# conf.d scan (PHP_INI_SCAN_DIR empty), so that only the test's php.ini
# configures PHP, whatever the machine's /etc/php has enabled.
APACHE_ENV = {"PHP_INI_SCAN_DIR": ""}

# Threads of each child under the worker MPM.
THREADS_PER_CHILD = 4

# What Apache's error log says each time a generation of children starts.
RUNNING = "resuming normal operations"


@dataclasses.dataclass(frozen=True)
class ApacheTools:
    apache2: str
    setsid: str
    modules_dir: pathlib.Path
    libphp: pathlib.Path
    # prefork (Debian's mod_php is NTS: prefork only), or worker with a
    # mod_php of a thread-safe (ZTS) PHP.
    mpm: str

    @classmethod
    def discover(cls) -> "ApacheTools":
        """APACHE2 (default apache2, Debian's /usr/sbin/apache2),
        APACHE_MODULES_DIR (default Debian's), APACHE_LIBPHP (default the
        mod_php of PHP_VERSION, 8.2) and APACHE_MPM (default prefork)."""
        modules_dir = pathlib.Path(os.environ.get("APACHE_MODULES_DIR",
                                                  "/usr/lib/apache2/modules"))
        php_version = os.environ.get("PHP_VERSION", "8.2")
        libphp = pathlib.Path(os.environ.get("APACHE_LIBPHP",
                                             modules_dir / f"libphp{php_version}.so"))
        mpm = os.environ.get("APACHE_MPM", "prefork")
        if mpm not in ("prefork", "worker"):
            raise HarnessError(f"APACHE_MPM={mpm!r}: prefork or worker")
        for module in (modules_dir / f"mod_mpm_{mpm}.so", modules_dir / "mod_env.so",
                       modules_dir / "mod_authz_core.so", libphp):
            if not module.is_file():
                raise HarnessError(f"Apache module not found: {module} (dev/setup installs "
                                   f"apache2 and libapache2-mod-php{php_version})")
        return cls(harness.require_binary(os.environ.get("APACHE2", "apache2")),
                   harness.require_binary("setsid"), modules_dir, libphp, mpm)


@dataclasses.dataclass
class ApacheSpec:
    pid1_env: dict[str, str]
    load_extension: bool = True
    # php.ini settings, besides the extension.
    php_ini: dict[str, str] = dataclasses.field(default_factory=dict)
    # `SetEnv NAME "value"` lines in the server configuration.
    set_env: dict[str, str] = dataclasses.field(default_factory=dict)
    # Children (processes), started at once and kept at that number; under
    # the worker MPM each has THREADS_PER_CHILD threads.
    children: int = 1
    # MaxConnectionsPerChild: 1 gives every request a freshly forked child,
    # 0 keeps children for ever (persistent ones serve request after request).
    max_connections_per_child: int = 0


class ApacheInstance:
    """An apache2, its PID namespace and its network namespace."""

    def __init__(self, spec: ApacheSpec, tools: harness.Tools, apache_tools: ApacheTools,
                 so_path: pathlib.Path, docroot: pathlib.Path, workdir: pathlib.Path):
        self.spec = spec
        self.tools = tools
        self.apache_tools = apache_tools
        self.so_path = so_path
        self.docroot = docroot
        self.workdir = workdir
        self.conf_path = workdir / "apache2.conf"
        self.error_log = workdir / "error.log"
        self.stderr_path = workdir / "apache2.stderr"
        self.pid_file = workdir / "apache2.pid"
        self.netns = harness.NetNamespace(
            tools, f"awsenv-apache-{os.getpid()}-{uuid.uuid4().hex[:8]}", addresses=[])
        self.proc: Optional[subprocess.Popen] = None  # ip netns exec -> unshare

    # ---- configuration --------------------------------------------------

    def mpm_config(self) -> str:
        n, mpm = self.spec.children, self.apache_tools.mpm
        modules = self.apache_tools.modules_dir
        config = f"LoadModule mpm_{mpm}_module {modules}/mod_mpm_{mpm}.so\n"
        if mpm == "prefork":
            config += (f"StartServers {n}\nMinSpareServers {n}\nMaxSpareServers {n}\n"
                       f"ServerLimit {n}\nMaxRequestWorkers {n}\n")
        else:
            t = THREADS_PER_CHILD
            config += (f"StartServers {n}\nServerLimit {n}\n"
                       f"ThreadsPerChild {t}\nThreadLimit {t}\nMaxRequestWorkers {n * t}\n"
                       f"MinSpareThreads 1\nMaxSpareThreads {n * t}\n")
        return config + f"MaxConnectionsPerChild {self.spec.max_connections_per_child}\n"

    def apache_config(self) -> str:
        modules = self.apache_tools.modules_dir
        set_env = "".join(f'SetEnv {name} "{value}"\n' for name, value in self.spec.set_env.items())
        return (
            f'ServerRoot "{self.workdir}"\n'
            f"{self.mpm_config()}"
            f"LoadModule env_module {modules}/mod_env.so\n"
            f"LoadModule authz_core_module {modules}/mod_authz_core.so\n"
            f"LoadModule php_module {self.apache_tools.libphp}\n"
            "Listen 127.0.0.1:80\n"
            "ServerName 127.0.0.1\n"
            # The root master loads PHP (and aws_env) and captures; the
            # children serve as www-data, as Debian's configuration has it.
            "User www-data\nGroup www-data\n"
            f'PidFile "{self.pid_file}"\n'
            f'ErrorLog "{self.error_log}"\n'
            "LogLevel info\n"
            # Lock files in the work dir: nothing outlives a killed namespace.
            f'DefaultRuntimeDir "{self.workdir}"\n'
            f"Mutex fcntl:{self.workdir} default\n"
            "KeepAlive Off\n"
            f'DocumentRoot "{self.docroot}"\n'
            f'<Directory "{self.docroot}">\n    Require all granted\n</Directory>\n'
            '<FilesMatch "\\.php$">\n    SetHandler application/x-httpd-php\n</FilesMatch>\n'
            f'PHPINIDir "{self.workdir}"\n'
            f"{set_env}"
        )

    def php_ini(self) -> str:
        settings = {
            # A warning in the page would break the probe's JSON; it goes to
            # Apache's error log instead (searched for values too).
            "display_errors": "0",
            "log_errors": "1",
            **self.spec.php_ini,
        }
        extension = f"extension={self.so_path}\n" if self.spec.load_extension else ""
        return extension + "".join(f"{key}={value}\n" for key, value in settings.items())

    def command(self) -> list[str]:
        t = self.tools
        # apache2 stops by sending SIGTERM to its whole process group: in a
        # session of its own (setsid), that is apache2 and its children only.
        apache2 = [self.apache_tools.setsid, t.env, *harness.env_args(APACHE_ENV),
                   self.apache_tools.apache2, "-f", str(self.conf_path), "-DFOREGROUND"]
        return (harness.pid_namespace_prefix(t, self.netns)
                + harness.shell_pid1_command(t, self.spec.pid1_env, apache2))

    # ---- lifecycle ------------------------------------------------------

    def start(self) -> None:
        self.conf_path.write_text(self.apache_config())
        (self.workdir / "php.ini").write_text(self.php_ini())
        self.netns.create()
        with self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                # Nothing in there may signal the test runner's group.
                start_new_session=True,
            )

        def ready():
            if self.proc.poll() is not None:
                raise HarnessError(f"apache2 exited with {self.proc.returncode} before "
                                   f"starting:\n{self.log()}")
            # Written once the listening socket is open; a request made
            # before the children are up waits in the backlog.
            return self.pid_file.exists() and self.master_pid() is not None

        harness.wait_for(ready, harness.READY_TIMEOUT, "apache2's PidFile")

    def master_pid(self) -> Optional[int]:
        pid1 = harness.namespace_pid1(self.proc)
        children = harness.children_of(pid1) if pid1 is not None else []
        return children[0] if children else None

    def verify_layout(self) -> None:
        """PID 1 a root shell with exactly the task's variables; apache2 its
        child, as root, started with exactly APACHE_ENV (Apache does not
        rewrite its environment block, so /proc/PID/environ shows what it was
        started with, not what aws_env injected later)."""
        pid1 = harness.namespace_pid1(self.proc)
        harness.verify_shell_pid1(pid1, self.spec.pid1_env)
        master = self.master_pid()
        comm = pathlib.Path(f"/proc/{master}/comm").read_text().strip()
        if comm != "apache2":
            raise HarnessError(f"expected apache2 as PID 1's child, found {comm!r}")
        if harness.real_uid(master) != 0:
            raise HarnessError(f"apache2 master uid {harness.real_uid(master)} != 0")
        if harness.read_environ(master) != APACHE_ENV:
            raise HarnessError(f"apache2 was started with the environment names "
                               f"{sorted(harness.read_environ(master))}, not {sorted(APACHE_ENV)}")

    def stop(self) -> None:
        """apache2 stops its children on SIGTERM (sent to the master by its
        PID); the namespace's PID 1 is then killed by its PID, which takes
        anything left down with it, and the network namespace deleted."""
        master = self.master_pid() if self.proc is not None else None
        if master is not None:
            try:
                os.kill(master, signal.SIGTERM)
                harness.wait_for(lambda: self.proc.poll() is not None, harness.STOP_TIMEOUT / 2,
                                 "apache2 to stop")
            except (ProcessLookupError, HarnessError):
                pass
        harness.stop_pid_namespace(self.proc)
        self.netns.delete()

    def graceful_restart(self) -> None:
        """`apachectl graceful`: SIGUSR1 to the master, by its PID. Apache
        shuts PHP down (aws_env's MSHUTDOWN), unloads and reloads its modules
        and starts PHP again (MINIT) in the same parent, then forks a new
        generation of children. Returns once the new generation is up."""
        generations = self.log().count(RUNNING)
        os.kill(self.master_pid(), signal.SIGUSR1)
        harness.wait_for(lambda: self.log().count(RUNNING) > generations,
                         harness.READY_TIMEOUT, "apache2's graceful restart")

    # ---- requests and output -------------------------------------------

    def get(self, path: str, count: int = 1, parallel: int = 1) -> list[str]:
        """The bodies of `count` GET requests for path, each on a connection
        of its own, `parallel` at a time, sent from inside the network
        namespace. A status other than 200 is an error, which names the
        status and the body's length only: a body may hold fixture values."""
        cmd = self.netns.exec_prefix() + [self.tools.python, str(HERE / "http_get.py"),
                                          f"http://127.0.0.1{path}", "--count", str(count),
                                          "--parallel", str(parallel)]
        try:
            res = subprocess.run(cmd, capture_output=True, timeout=harness.REQUEST_TIMEOUT,
                                 env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        except subprocess.TimeoutExpired:
            raise HarnessError(f"requests to apache2 timed out; log:\n{self.log()}") from None
        if res.returncode != 0:
            raise HarnessError(f"http_get.py exited {res.returncode}: "
                               f"{res.stderr.decode(errors='replace')[-2000:]}\nlog:\n{self.log()}")
        responses = json.loads(res.stdout)
        for response in responses:
            if response["status"] != 200:
                raise HarnessError(f"apache2 answered {response['status']} "
                                   f"({len(response['body'])} bytes); log:\n{self.log()}")
        return [response["body"] for response in responses]

    def probe(self, names: list[str], count: int = 1, parallel: int = 1) -> list[harness.Probe]:
        """probe.php's reports, one per request."""
        probes = []
        for body in self.get(f"/probe.php?{harness.probe_query(names)}", count, parallel):
            try:
                probes.append(harness.Probe(json.loads(body)))
            except ValueError:
                raise HarnessError(f"probe.php did not answer JSON ({len(body)} bytes); "
                                   f"log:\n{self.log()}") from None
        return probes

    def log(self) -> str:
        """Apache's error log (PHP's warnings go there too) and its stderr."""
        text = ""
        for path in (self.error_log, self.stderr_path):
            if path.exists():
                text += path.read_text(errors="replace")
        return text


class ApacheLauncher:
    """Starts apache2 instances, each in a work dir of its own, and stops
    them all, even when a test fails."""

    def __init__(self, tools, apache_tools, so_path, docroot):
        self.tools = tools
        self.apache_tools = apache_tools
        self.so_path = so_path
        self.docroot = docroot
        self.instances: list[ApacheInstance] = []

    def start(self, spec: ApacheSpec) -> ApacheInstance:
        workdir = harness.make_world_readable_dir("aws_env_apache_")
        instance = ApacheInstance(spec, self.tools, self.apache_tools, self.so_path,
                                  self.docroot, workdir)
        self.instances.append(instance)
        instance.start()
        instance.verify_layout()
        return instance

    def close(self) -> None:
        for instance in reversed(self.instances):
            try:
                instance.stop()
            finally:
                shutil.rmtree(instance.workdir, ignore_errors=True)
