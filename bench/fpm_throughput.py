"""php-fpm throughput: four configurations side by side, behind one nginx,
under load from wrk.

  (a) no extension, clear_env = yes                      the baseline
  (b) aws_env loaded, default allowlist, clear_env = yes
  (c) no extension, clear_env = no
  (d) no extension, clear_env = yes, env[X] = $X for the names aws_env captures

Each php-fpm master is PID 1 of its own PID namespace (with its own /proc) and
holds the same 100-variable ECS Fargate environment, as in a container whose
entrypoint is php-fpm: so /proc/1/environ, aws_env's default file source, is
the master's own environment. Every pool is identical (pm = static, the same
number of workers, opcache on) but for what the configuration names. nginx
listens on 127.0.0.1 only and passes FastCGI to each pool's unix socket.

All four pools and nginx run for a whole mode (persistent workers, then a
fresh worker per request); the load visits the configurations in turn, one
round after another, so that a drift of the machine hits all of them alike;
each round starts one configuration later (a b c d, b c d a, c d a b, ...).
Every process is started and stopped by PID; the work directory is removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

import ecs_env

HERE = pathlib.Path(__file__).resolve().parent
WRK_SCRIPT = HERE / "wrk_report.lua"
WRK_INTERLEAVED_SCRIPT = HERE / "wrk_interleaved.lua"
HELLO_BODY = "Hello, world!"

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT = 15.0  # seconds for a server to come up
STOP_TIMEOUT = 10.0  # seconds for a process to exit after being told to
POOL_USER = "www-data"


class BenchError(Exception):
    """Something is broken: a server did not start or a request failed."""


@dataclasses.dataclass(frozen=True)
class Config:
    key: str
    label: str
    extension: bool = False
    clear_env: bool = True
    env_lines: bool = False
    # Another PHP extension to load, by name (from PHP's extension_dir).
    other_extension: str = ""


CONFIGS = (
    Config("a", "no extension, `clear_env = yes` (baseline)"),
    Config("b", "aws_env, default names, `clear_env = yes`", extension=True),
    Config("c", "no extension, `clear_env = no` (100 variables)", clear_env=False),
    Config("d", "no extension, `env[X] = $X` for the 7 captured names", env_lines=True),
)

# For the interleaved measurement only: what loading any extension costs. PHP's
# own calendar has no request hooks, INI entries or start-up work to speak of.
REFERENCE = Config("e", "no aws_env, PHP's calendar extension instead, `clear_env = yes` (reference)",
                   other_extension="calendar")


@dataclasses.dataclass(frozen=True)
class Mode:
    key: str
    label: str
    max_requests: int  # 0: a worker lives for the whole run


MODES = (
    Mode("persistent", "persistent workers (`pm.max_requests = 0`)", 0),
    Mode("fresh", "a fresh worker per request (`pm.max_requests = 1`)", 1),
)


@dataclasses.dataclass(frozen=True)
class Settings:
    """How hard and how long to push."""

    rounds: int
    duration_s: int  # per measurement
    warmup_s: int
    # > 0: smoke, each measurement stops sending after this many responses
    # (wrk itself still runs for duration_s) and checks every body.
    cap: int
    workers: int
    connections: int
    # Separate starts of all four pools for the interleaved measurement.
    interleaved_runs: int


@dataclasses.dataclass(frozen=True)
class Tools:
    php_fpm: str
    nginx: str
    wrk: str
    unshare: str
    extension: pathlib.Path


# --------------------------------------------------------------------------
# Processes, by PID
# --------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def wait_exit(process: subprocess.Popen, timeout: float) -> bool:
    try:
        process.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


def signal_pid(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


class FpmPool:
    """A php-fpm master as PID 1 of a new PID namespace.

    `unshare --fork` ignores SIGTERM, so stopping signals the namespace's PID
    1, the php-fpm master (unshare's only child); the kernel then ends every
    worker with it. `--kill-child` covers the case where unshare dies first.
    """

    def __init__(self, process: subprocess.Popen, socket_path: pathlib.Path, log_path: pathlib.Path):
        self.process = process
        self.socket_path = socket_path
        self.log_path = log_path

    def master_pid(self) -> int | None:
        children = children_of(self.process.pid)
        return children[0] if children else None

    def cpu_ns(self) -> int:
        """CPU time (user + system, in ns) the pool has used so far: the
        master's own and each live worker's, from /proc/PID/schedstat (ns),
        plus that of the workers the master has reaped, which the kernel
        only gives in clock ticks (10 ms). Unlike throughput, it does not
        count time spent waiting for a CPU that other processes hold."""
        master = self.master_pid()
        if master is None:
            raise BenchError("php-fpm master is gone")
        try:
            stat = pathlib.Path(f"/proc/{master}/stat").read_text()
        except OSError as error:
            raise BenchError(f"php-fpm master unreadable: {error}") from None
        # Fields after "(comm)": cutime and cstime are fields 16 and 17.
        fields = stat[stat.rindex(")") + 2:].split()
        total = (int(fields[13]) + int(fields[14])) * 1_000_000_000 // CLOCK_TICKS
        for pid in [master, *children_of(master)]:
            try:
                total += int(pathlib.Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except OSError:
                continue  # a worker that just exited: the master has its time now
        return total

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        master = self.master_pid()
        if master is not None:
            signal_pid(master, signal.SIGQUIT)  # graceful: finish, then exit
            if wait_exit(self.process, STOP_TIMEOUT):
                return
            signal_pid(master, signal.SIGKILL)
        signal_pid(self.process.pid, signal.SIGKILL)
        self.process.wait()


class Nginx:
    """nginx in the foreground (`daemon off`): its master is our child."""

    def __init__(self, process: subprocess.Popen):
        self.process = process

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        workers = children_of(self.process.pid)
        signal_pid(self.process.pid, signal.SIGQUIT)  # graceful shutdown
        if wait_exit(self.process, STOP_TIMEOUT):
            return
        for worker in workers:
            signal_pid(worker, signal.SIGKILL)
        signal_pid(self.process.pid, signal.SIGKILL)
        self.process.wait()


def wait_until(ready, what: str, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{what} exited with status {process.returncode}:\n{tail(log)}")
        if ready():
            return
        time.sleep(0.05)
    raise BenchError(f"{what} not ready after {READY_TIMEOUT:.0f} s:\n{tail(log)}")


def tail(path: pathlib.Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} unreadable)"


def unix_socket_accepts(path: pathlib.Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
            return True
        except OSError:
            return False


def tcp_port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --------------------------------------------------------------------------
# Configuration files
# --------------------------------------------------------------------------


def fpm_conf(config: Config, mode: Mode, settings: Settings, work: pathlib.Path) -> str:
    lines = [
        "[global]",
        f"pid = {work}/fpm-{config.key}.pid",
        f"error_log = {work}/fpm-{config.key}.log",
        # Above notice: a fresh worker per request would log two lines each.
        "log_level = warning",
        "daemonize = no",
        "",
        "[bench]",
        f"listen = {work}/fpm-{config.key}.sock",
        "listen.mode = 0666",
        f"user = {POOL_USER}",
        f"group = {POOL_USER}",
        "pm = static",
        f"pm.max_children = {settings.workers}",
        f"pm.max_requests = {mode.max_requests}",
        f"clear_env = {'yes' if config.clear_env else 'no'}",
    ]
    if config.env_lines:
        lines += [f"env[{name}] = ${name}" for name in ecs_env.CAPTURED_NAMES]
    return "\n".join(lines) + "\n"


def php_ini_args(config: Config, tools: Tools, work: pathlib.Path) -> list[str]:
    """php.ini settings, the same for every pool but the extension. `-n`
    keeps the machine's php.ini and conf.d out of the comparison."""
    settings = {
        "zend_extension": "opcache",
        "opcache.enable": "1",
        "log_errors": "1",
        "display_errors": "0",
        "error_log": f"{work}/php-{config.key}.log",
    }
    args = ["-n"]
    for name, value in settings.items():
        args += ["-d", f"{name}={value}"]
    if config.extension:
        args += ["-d", f"extension={tools.extension}"]
    if config.other_extension:
        args += ["-d", f"extension={config.other_extension}"]
    return args


def loadable(tools: Tools, config: Config) -> bool:
    """Whether this php-fpm can load the config's other extension."""
    done = subprocess.run([tools.php_fpm, "-n", "-d", f"extension={config.other_extension}", "-m"],
                          capture_output=True, text=True, timeout=30)
    return done.returncode == 0 and config.other_extension in done.stdout.split()


# The parameters of Debian's /etc/nginx/fastcgi_params, inline so that the
# benchmark does not depend on the machine's nginx configuration.
FASTCGI_PARAMS = """
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param CONTENT_TYPE $content_type;
      fastcgi_param CONTENT_LENGTH $content_length;
      fastcgi_param SCRIPT_NAME $fastcgi_script_name;
      fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
      fastcgi_param REQUEST_URI $request_uri;
      fastcgi_param DOCUMENT_URI $document_uri;
      fastcgi_param DOCUMENT_ROOT $document_root;
      fastcgi_param SERVER_PROTOCOL $server_protocol;
      fastcgi_param REQUEST_SCHEME $scheme;
      fastcgi_param GATEWAY_INTERFACE CGI/1.1;
      fastcgi_param SERVER_SOFTWARE nginx/$nginx_version;
      fastcgi_param REMOTE_ADDR $remote_addr;
      fastcgi_param REMOTE_PORT $remote_port;
      fastcgi_param SERVER_ADDR $server_addr;
      fastcgi_param SERVER_PORT $server_port;
      fastcgi_param SERVER_NAME $server_name;
      fastcgi_param REDIRECT_STATUS 200;
      fastcgi_param HTTP_HOST $host;"""


def nginx_conf(work: pathlib.Path, www: pathlib.Path, ports: dict[str, int], interleaved_port: int) -> str:
    # One server per pool for wrk's rounds, and one that passes /<key>/hello.php
    # to pool <key> (tagged with X-Pool) for the interleaved measurement.
    interleaved = "".join(
        f"""
    location = /{key}/hello.php {{{FASTCGI_PARAMS}
      fastcgi_param SCRIPT_FILENAME {www}/hello.php;
      add_header X-Pool {key};
      fastcgi_pass unix:{work}/fpm-{key}.sock;
    }}"""
        for key in ports
    )
    servers = "".join(
        f"""
  server {{
    listen 127.0.0.1:{port};
    root {www};
    location ~ \\.php$ {{{FASTCGI_PARAMS}
      fastcgi_pass unix:{work}/fpm-{key}.sock;
    }}
  }}"""
        for key, port in ports.items()
    ) + f"""
  server {{
    listen 127.0.0.1:{interleaved_port};
    root {www};{interleaved}
  }}"""
    temp = work / "nginx-temp"
    return f"""\
# One worker: the machine's other core belongs to php-fpm and wrk.
worker_processes 1;
daemon off;
master_process on;
user {POOL_USER};
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path {temp}/body;
  fastcgi_temp_path {temp}/fastcgi;
  proxy_temp_path {temp}/proxy;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;{servers}
}}
"""


# --------------------------------------------------------------------------
# One mode: four pools and nginx
# --------------------------------------------------------------------------


class Stack:
    """The pools and nginx of one mode, stopped by PID on exit."""

    def __init__(self, mode: Mode, settings: Settings, tools: Tools, configs: tuple[Config, ...] = CONFIGS):
        self.mode, self.settings, self.tools, self.configs = mode, settings, tools, configs
        self.work = pathlib.Path(tempfile.mkdtemp(prefix=f"aws-env-bench-{mode.key}-"))
        self.pools: dict[str, FpmPool] = {}
        self.nginx: Nginx | None = None
        self.ports: dict[str, int] = {}
        self.interleaved_port = 0

    def __enter__(self) -> "Stack":
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for pool in self.pools.values():
            pool.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def _start(self) -> None:
        # Workers run as www-data: they must reach the scripts and the logs.
        self.work.chmod(0o755)
        www = self.work / "www"
        shutil.copytree(HERE / "www", www)
        for script in www.iterdir():
            age_for_opcache(script)
        for config in self.configs:
            self._start_pool(config)
        self.ports = {config.key: free_port() for config in self.configs}
        self.interleaved_port = free_port()
        self.nginx = self._start_nginx(www)

    def _start_pool(self, config: Config) -> None:
        conf = self.work / f"fpm-{config.key}.conf"
        conf.write_text(fpm_conf(config, self.mode, self.settings, self.work))
        # PHP's error_log is written by the workers as www-data.
        php_log = self.work / f"php-{config.key}.log"
        php_log.touch()
        shutil.chown(php_log, POOL_USER, POOL_USER)
        console = self.work / f"fpm-{config.key}.console"
        command = [
            self.tools.unshare, "--pid", "--fork", "--mount-proc", "--kill-child",
            self.tools.php_fpm, "--nodaemonize", "--fpm-config", str(conf),
            *php_ini_args(config, self.tools, self.work),
        ]
        with console.open("wb") as output:
            process = subprocess.Popen(
                command, env=ecs_env.ENVIRONMENT, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )
        pool = FpmPool(process, self.work / f"fpm-{config.key}.sock", self.work / f"fpm-{config.key}.log")
        self.pools[config.key] = pool  # stopped on failure from here on
        wait_until(lambda: unix_socket_accepts(pool.socket_path), f"php-fpm ({config.key})",
                   process, console)

    def _start_nginx(self, www: pathlib.Path) -> Nginx:
        prefix = self.work / "nginx"
        (self.work / "nginx-temp").mkdir()
        prefix.mkdir()
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_conf(self.work, www, self.ports, self.interleaved_port))
        console = self.work / "nginx.console"
        with console.open("wb") as output:
            process = subprocess.Popen(
                [self.tools.nginx, "-p", str(prefix), "-c", str(conf), "-e", str(self.work / "nginx-error.log")],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.nginx = Nginx(process)
        for port in [*self.ports.values(), self.interleaved_port]:
            wait_until(lambda: tcp_port_accepts(port), "nginx", process, console)
        return self.nginx

    # ---- checks ---------------------------------------------------------

    def check_environment(self, config: Config) -> None:
        """Fails unless the worker of `config` sees exactly the variables the
        configuration is meant to give it, with the container's values."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[config.key]}/status.php", timeout=10) as reply:
            report = json.load(reply)
        expected = expected_names(config) - FPM_SETS
        seen = {name for name in ecs_env.ENVIRONMENT if name in report["environment"]} - FPM_SETS
        problems = []
        if seen != expected:
            problems.append(f"container variables seen {sorted(seen)}, expected {sorted(expected)}")
        wrong = [name for name in seen & expected
                 if report["environment"][name] != sha256(ecs_env.ENVIRONMENT[name])]
        if wrong:
            problems.append(f"wrong values for {wrong}")
        if report["aws_env_loaded"] != config.extension:
            problems.append(f"aws_env loaded: {report['aws_env_loaded']}")
        if config.extension and sorted(report.get("captured", [])) != ecs_env.CAPTURED_NAMES:
            problems.append(f"aws_env captured {report.get('captured')}, expected {ecs_env.CAPTURED_NAMES}")
        if problems:
            raise BenchError(f"({config.key}) {self.mode.key}: " + "; ".join(problems))

    def check_logs(self) -> None:
        """Fails when a pool or PHP logged anything but aws_env's start-up line
        (the master's one NOTICE, which goes to PHP's error_log)."""
        for config in self.configs:
            for log in (self.work / f"fpm-{config.key}.log", self.work / f"php-{config.key}.log"):
                unexpected = [line for line in read_lines(log) if "aws_env: captured " not in line]
                if unexpected:
                    raise BenchError(f"({config.key}) {self.mode.key}: {log.name} says:\n" + "\n".join(unexpected[:10]))
        if config_startup_lines(self.work / "php-b.log") != 1:
            raise BenchError(f"(b) {self.mode.key}: expected one 'aws_env: captured' line in PHP's log")
        errors = read_lines(self.work / "nginx-error.log")
        if errors:
            raise BenchError(f"nginx {self.mode.key}: error log says:\n" + "\n".join(errors[:10]))

    # ---- load -----------------------------------------------------------

    def _wrk(self, script: pathlib.Path, url: str, duration_s: int, script_args: list[str]) -> tuple[dict, dict]:
        """Runs wrk once with one of the Lua scripts here; returns the JSON
        line the script prints and the failures it counted, if any."""
        command = [
            self.tools.wrk, "-t1", f"-c{self.settings.connections}", f"-d{duration_s}s", "--timeout", "10s",
            "-s", str(script), url, "--", *script_args,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + 60)
        if done.returncode != 0:
            raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        failures = {key: result[key] for key in
                    ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts", "bad_responses")
                    if result[key]}
        return result, failures

    def load(self, config: Config, duration_s: int, cap: int) -> dict:
        """One wrk run against `config`; fails on any failed request."""
        pool = self.pools[config.key]
        cpu_before = pool.cpu_ns()
        result, failures = self._wrk(WRK_SCRIPT, f"http://127.0.0.1:{self.ports[config.key]}/hello.php",
                                     duration_s, [str(cap), HELLO_BODY])
        cpu_ns = pool.cpu_ns() - cpu_before
        if failures or result["requests"] == 0:
            raise BenchError(f"({config.key}) {self.mode.key}: requests failed: {failures or 'none completed'}")
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        result["cpu_us_per_request"] = cpu_ns / 1e3 / result["requests"]
        return result

    def load_interleaved(self, order: str, duration_s: int, cap: int) -> dict:
        """One wrk run whose requests go to the pools in turn (`order`, e.g.
        "bcda"), so that each pool serves under the very same conditions as
        the others; returns each pool's CPU per request."""
        cpu_before = {key: pool.cpu_ns() for key, pool in self.pools.items()}
        result, failures = self._wrk(WRK_INTERLEAVED_SCRIPT, f"http://127.0.0.1:{self.interleaved_port}/",
                                     duration_s, [order, str(cap), HELLO_BODY])
        cpu_ns = {key: pool.cpu_ns() - cpu_before[key] for key, pool in self.pools.items()}
        served = result["served"]
        if failures or any(served.get(key, 0) == 0 for key in order):
            raise BenchError(f"interleaved {self.mode.key}: requests failed: {failures or served}")
        return {
            "order": order,
            "requests": served,
            "cpu_us_per_request": {key: cpu_ns[key] / 1e3 / served[key] for key in order},
        }


# A php-fpm worker running as the pool's user gets that user's USER and HOME
# from php-fpm itself, whatever the configuration: they prove nothing here.
FPM_SETS = {"USER", "HOME"}


def age_for_opcache(script: pathlib.Path) -> None:
    """Dates a script an hour back: opcache does not cache a file changed in
    the last 2 s (opcache.file_update_protection) and would compile a fresh
    copy on every request until then."""
    an_hour_ago = time.time() - 3600
    os.utime(script, (an_hour_ago, an_hour_ago))


def expected_names(config: Config) -> set[str]:
    if not config.clear_env:
        return set(ecs_env.ENVIRONMENT)
    if config.extension or config.env_lines:
        return set(ecs_env.CAPTURED_NAMES)
    return set()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def read_lines(path: pathlib.Path) -> list[str]:
    try:
        return [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except FileNotFoundError:
        return []


def config_startup_lines(path: pathlib.Path) -> int:
    return sum("aws_env: captured " in line for line in read_lines(path))


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


def run_mode(mode: Mode, settings: Settings, tools: Tools, progress) -> dict:
    with Stack(mode, settings, tools) as stack:
        for config in CONFIGS:
            stack.check_environment(config)
        if settings.cap == 0 and settings.warmup_s > 0:
            for config in CONFIGS:
                stack.load(config, settings.warmup_s, 0)
        rounds = []
        for number in range(settings.rounds):
            this_round = {}
            for config in rotated(CONFIGS, number):
                this_round[config.key] = stack.load(config, settings.duration_s, settings.cap)
            rounds.append({"loadavg": os.getloadavg()[0], "order": "".join(this_round), "results": this_round})
            progress(f"{mode.key} round {number + 1}/{settings.rounds}: " + "  ".join(
                f"{key} {result['rps']:.0f}/s" for key, result in this_round.items()))
        stack.check_logs()
    return {"mode": mode.key, "label": mode.label, "rounds": rounds, "summary": summarise(rounds)}


def rotated(configs: tuple[Config, ...], number: int) -> list[Config]:
    """Round `number`'s order: a b c d, then b c d a, c d a b, d a b c, ...
    Still interleaved, but no configuration always has the same slot and
    the same predecessor, which a fixed order showed to matter (a
    configuration run third or fourth came out faster round after round)."""
    shift = number % len(configs)
    return [*configs[shift:], *configs[:shift]]


def summarise(rounds: list[dict]) -> dict:
    """Medians over rounds, each configuration's ratio to (a), and the spread
    of the per-round ratios (each round's runs are neighbours in time)."""
    summary = {}
    baseline = [r["results"]["a"]["rps"] for r in rounds]
    median_a = statistics.median(baseline)
    cpu_a = statistics.median(r["results"]["a"]["cpu_us_per_request"] for r in rounds)
    for config in CONFIGS:
        rps = [r["results"][config.key]["rps"] for r in rounds]
        paired = [value / base for value, base in zip(rps, baseline)]
        cpu = statistics.median(r["results"][config.key]["cpu_us_per_request"] for r in rounds)
        summary[config.key] = {
            "label": config.label,
            "median_rps": statistics.median(rps),
            "min_rps": min(rps),
            "max_rps": max(rps),
            "ratio_to_a": statistics.median(rps) / median_a,
            "round_ratio_median": statistics.median(paired),
            "round_ratio_min": min(paired),
            "round_ratio_max": max(paired),
            "median_cpu_us_per_request": cpu,
            # A smoke run's few requests may use less than one clock tick.
            "cpu_ratio_to_a": cpu / cpu_a if cpu_a else float("nan"),
            "median_p50_latency_us": statistics.median(r["results"][config.key]["latency_p50_us"] for r in rounds),
            "median_p99_latency_us": statistics.median(r["results"][config.key]["latency_p99_us"] for r in rounds),
            "requests": sum(r["results"][config.key]["requests"] for r in rounds),
        }
    return summary


def run_interleaved(mode: Mode, configs: tuple[Config, ...], settings: Settings, tools: Tools,
                    progress) -> dict:
    """Pool CPU per request with the requests interleaved one by one across
    the four pools, in `settings.interleaved_runs` separate starts of them.

    wrk's rounds give each configuration its own stretch of time, and the
    throughput of this shared machine drifts by more than the differences
    the targets ask about (see the noise floor). Interleaving request by
    request puts every configuration in the same moment; starting the pools
    afresh for each run gives each a new memory layout (ASLR), which moves
    a pool's CPU per request by a percent or so for as long as it runs."""
    keys = "".join(config.key for config in configs)
    runs = []
    for number in range(settings.interleaved_runs):
        order = keys[number % len(keys):] + keys[:number % len(keys)]
        with Stack(mode, settings, tools, configs) as stack:
            for config in configs:
                stack.check_environment(config)
            if settings.cap == 0 and settings.warmup_s > 0:
                stack.load_interleaved(order, settings.warmup_s, 0)
            runs.append(stack.load_interleaved(order, settings.duration_s, settings.cap))
            stack.check_logs()
        progress(f"{mode.key} interleaved run {number + 1}/{settings.interleaved_runs}: " + "  ".join(
            f"{key} {cpu:.1f} µs" for key, cpu in sorted(runs[-1]["cpu_us_per_request"].items())))
    return {"mode": mode.key, "label": mode.label, "runs": runs, "summary": summarise_interleaved(runs, configs)}


def summarise_interleaved(runs: list[dict], configs: tuple[Config, ...]) -> dict:
    """Each configuration's median CPU per request, and the medians and
    spreads of its per-run ratios to (a) and to (c)."""
    summary = {}
    for config in configs:
        cpu = [run["cpu_us_per_request"][config.key] for run in runs]
        row = {"label": config.label, "median_cpu_us_per_request": statistics.median(cpu),
               "requests": sum(run["requests"][config.key] for run in runs)}
        for reference in ("a", "c"):
            ratios = [run["cpu_us_per_request"][config.key] / run["cpu_us_per_request"][reference] for run in runs]
            row[f"cpu_ratio_to_{reference}"] = {"median": statistics.median(ratios),
                                                "min": min(ratios), "max": max(ratios)}
        summary[config.key] = row
    return summary


def run(settings: Settings, tools: Tools, progress) -> dict:
    interleaved_configs = CONFIGS + ((REFERENCE,) if loadable(tools, REFERENCE) else ())
    return {
        "settings": dataclasses.asdict(settings),
        "configs": {config.key: config.label for config in CONFIGS},
        "modes": [run_mode(mode, settings, tools, progress) for mode in MODES],
        "interleaved": [run_interleaved(mode, interleaved_configs, settings, tools, progress) for mode in MODES],
    }
