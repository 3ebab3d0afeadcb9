"""Instructions per php-fpm request, counted by callgrind: the work each
configuration does, which no other load on the machine can disturb.

Throughput and CPU time on a shared machine move by more than the 1 % the
targets are about; instruction counts do not. For each configuration and
mode, one pool (one worker, else as in fpm_throughput) runs under
`valgrind --tool=callgrind` twice, serving a few and then more requests
through `cgi-fcgi`; every process's count (master, and every worker a fresh
mode forks) is summed, and the difference divided by the difference in
requests is the cost of one request. What is counted is the engine's request
start-up (where aws_env injects), the script, the request shut-down and a
worker's module shut-down: see COUNTED_FUNCTIONS.
Requests go straight to the pool's socket: nginx's work is the same for all.
"""

from __future__ import annotations

import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import ecs_env
import fpm_throughput as fpm

# Requests per run: (few, more). A fresh worker per request is slow under
# valgrind (each one is a fork of the instrumented master), so fewer.
REQUESTS = {"persistent": (40, 540), "fresh": (10, 40)}
# Only what a worker does for PHP: each request, and a worker's module
# shut-down when it exits (every request, with a fresh worker per request).
# That is all the code aws_env adds to a worker, and it leaves out the
# master's start-up and its timers (which tick with elapsed time, and time
# under valgrind is long), and php-fpm's fork: a child inherits the counts of
# its parent, which would count the master once per fresh worker.
COUNTED_FUNCTIONS = ["--collect-atstart=no"] + [
    f"--toggle-collect={function}"
    for function in ("php_request_startup", "php_execute_script", "php_request_shutdown", "php_module_shutdown")
]
STARTUP_TIMEOUT = 120.0  # seconds: php-fpm starts slowly under valgrind
REQUEST_TIMEOUT = 60.0


def cgi_fcgi_request(cgi_fcgi: str, socket_path: pathlib.Path, script: pathlib.Path) -> None:
    params = {"SCRIPT_FILENAME": str(script), "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
              "GATEWAY_INTERFACE": "CGI/1.1", "REDIRECT_STATUS": "200"}
    done = subprocess.run([cgi_fcgi, "-bind", "-connect", str(socket_path)], env=params,
                          capture_output=True, text=True, timeout=REQUEST_TIMEOUT)
    if done.returncode != 0 or not done.stdout.endswith(fpm.HELLO_BODY):
        raise fpm.BenchError(f"request under callgrind failed ({done.returncode}): {done.stdout[-200:]!r}")


def counted_run(config: fpm.Config, mode: fpm.Mode, requests: int, tools: fpm.Tools,
                valgrind: str, cgi_fcgi: str) -> int:
    """Instructions all processes of one pool executed, from start to stop,
    serving `requests` requests."""
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"aws-env-bench-cg-{config.key}-"))
    try:
        work.chmod(0o755)
        script = work / "hello.php"
        shutil.copy(fpm.HERE / "www" / "hello.php", script)
        fpm.age_for_opcache(script)
        settings = fpm.Settings(rounds=1, duration_s=0, warmup_s=0, cap=0, workers=1, connections=1,
                                interleaved_runs=0)
        conf = work / f"fpm-{config.key}.conf"
        # Stopping waits for every worker to end gracefully, through its
        # module shut-down, so that each run counts the same final work.
        conf.write_text(fpm.fpm_conf(config, mode, settings, work).replace(
            "[global]\n", "[global]\nprocess_control_timeout = 60s\n", 1))
        php_log = work / f"php-{config.key}.log"
        php_log.touch()
        shutil.chown(php_log, fpm.POOL_USER, fpm.POOL_USER)
        # Workers write their own counts, as the pool user.
        counts = work / "counts"
        counts.mkdir()
        counts.chmod(0o1777)
        console = work / "console"
        command = [
            tools.unshare, "--pid", "--fork", "--mount-proc", "--kill-child",
            valgrind, "--tool=callgrind", f"--callgrind-out-file={counts}/callgrind.%p",
            *COUNTED_FUNCTIONS,
            tools.php_fpm, "--nodaemonize", "--fpm-config", str(conf),
            *fpm.php_ini_args(config, tools, work),
        ]
        with console.open("wb") as output:
            process = subprocess.Popen(command, env=ecs_env.ENVIRONMENT, stdin=subprocess.DEVNULL,
                                       stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        pool = fpm.FpmPool(process, work / f"fpm-{config.key}.sock", work / f"fpm-{config.key}.log")
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not fpm.unix_socket_accepts(pool.socket_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise fpm.BenchError(f"php-fpm ({config.key}) under callgrind did not start:\n"
                                         + fpm.tail(console))
                time.sleep(0.2)
            for _ in range(requests):
                cgi_fcgi_request(cgi_fcgi, pool.socket_path, script)
        finally:
            stop_slowly(pool)
        files = list(counts.glob("callgrind.*"))
        if len(files) < 2:
            raise fpm.BenchError(f"({config.key}) {mode.key}: callgrind wrote no worker counts")
        return sum(collected(path) for path in files)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stop_slowly(pool: fpm.FpmPool) -> None:
    """FpmPool.stop, with the time valgrind needs to write its counts."""
    if pool.process.poll() is not None:
        return
    master = pool.master_pid()
    if master is not None:
        fpm.signal_pid(master, signal.SIGQUIT)
        if fpm.wait_exit(pool.process, STARTUP_TIMEOUT):
            return
    pool.stop()


def collected(path: pathlib.Path) -> int:
    text = path.read_text(errors="replace")
    found = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    if found is None:
        raise fpm.BenchError(f"no instruction count in {path.name}")
    return int(found.group(1))


def run(tools: fpm.Tools, progress) -> dict | None:
    """Instructions per request for every configuration and mode; None
    when valgrind or cgi-fcgi is not installed (reported, not measured)."""
    valgrind, cgi_fcgi = shutil.which("valgrind"), shutil.which("cgi-fcgi")
    if valgrind is None or cgi_fcgi is None:
        progress("valgrind or cgi-fcgi not installed: instructions per request NOT measured")
        return None
    results: dict = {}
    for mode in fpm.MODES:
        few, more = REQUESTS[mode.key]
        per_config = {}
        for config in fpm.CONFIGS:
            counts = [counted_run(config, mode, n, tools, valgrind, cgi_fcgi) for n in (few, more)]
            per_config[config.key] = (counts[1] - counts[0]) / (more - few)
        progress(f"{mode.key}: " + "  ".join(f"{key} {value:,.0f}" for key, value in per_config.items()))
        results[mode.key] = {"requests": [few, more], "per_request": per_config}
    return results

