"""Instructions a php-fpm worker executes, counted by callgrind: the work each
configuration does, which no other load on the machine can disturb, and what
the php-fpm targets are judged on.

For each configuration, one pool (one worker, else as in fpm_throughput)
runs under `valgrind --tool=callgrind`; requests go straight to its socket
through `cgi-fcgi` (nginx's work is the same for all), one at a time.

- Persistent worker, per request: the inclusive cost of
  `php_request_startup` + `php_execute_script` + `php_request_shutdown`
  (aws_env's hook runs inside the first), nothing else. Callgrind collects
  only inside those functions and writes the counts out after each
  `php_request_shutdown`, so that every request has its own count; the
  median over the requests after a warm-up is the figure.
- Fresh worker (`pm.max_requests = 1`), its whole life from fork to exit:
  callgrind zeroes its counters on every `fork`, so that a worker's count
  starts at its own birth (a child inherits its parent's counters) and ends
  when it exits, its one request and module shut-down included. The median
  over the workers that served a request, but the first (which compiles the
  script into opcache), is the figure.
"""

from __future__ import annotations

import pathlib
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

import ecs_env
import fpm_throughput as fpm

# Requests per mode, and how many of the first are not counted: opcache
# compiles the script on the first one, and PHP's allocator settles over the
# next few. Smoke mode only checks that the machinery works.
SIZES = {
    "full": {"persistent": (120, 20), "fresh": (14, 1)},
    "smoke": {"persistent": (6, 2), "fresh": (3, 1)},
}
REQUEST_FUNCTIONS = ("php_request_startup", "php_execute_script", "php_request_shutdown")
CALLGRIND_ARGS = {
    "persistent": ["--collect-atstart=no", *(f"--toggle-collect={f}" for f in REQUEST_FUNCTIONS),
                   "--dump-after=php_request_shutdown"],
    "fresh": ["--zero-before=fork"],
}
STARTUP_TIMEOUT = 120.0  # seconds: php-fpm starts slowly under valgrind
REQUEST_TIMEOUT = 60.0


def cgi_fcgi_request(cgi_fcgi: str, socket_path: pathlib.Path, script: pathlib.Path) -> None:
    params = {"SCRIPT_FILENAME": str(script), "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
              "GATEWAY_INTERFACE": "CGI/1.1", "REDIRECT_STATUS": "200"}
    done = subprocess.run([cgi_fcgi, "-bind", "-connect", str(socket_path)], env=params,
                          capture_output=True, text=True, timeout=REQUEST_TIMEOUT)
    if done.returncode != 0 or not done.stdout.endswith(fpm.HELLO_BODY):
        raise fpm.BenchError(f"request under callgrind failed ({done.returncode}): {done.stdout[-200:]!r}")


def pool_counts(config: fpm.Config, mode: fpm.Mode, requests: int, tools: fpm.Tools,
                valgrind: str, cgi_fcgi: str) -> dict[int, list[int]]:
    """Serves `requests` requests from one pool under callgrind and returns
    every count it wrote: {pid: [count of each dump, in order]}."""
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
        # module shut-down, so that a fresh worker's life is counted whole.
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
            *CALLGRIND_ARGS[mode.key],
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
        found: dict[int, list[tuple[int, int]]] = {}
        for path in counts.glob("callgrind.*"):
            # callgrind.<pid> is the final dump; callgrind.<pid>.<n> the n-th before it.
            parts = path.name.split(".")
            part = int(parts[2]) if len(parts) > 2 else 1 << 30
            found.setdefault(int(parts[1]), []).append((part, collected(path)))
        return {pid: [count for _, count in sorted(dumps)] for pid, dumps in found.items()}
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
    found = re.search(r"^(?:summary|totals): (\d+)", path.read_text(errors="replace"), re.MULTILINE)
    if found is None:
        raise fpm.BenchError(f"no instruction count in {path.name}")
    return int(found.group(1))


def per_request(counts: dict[int, list[int]], requests: int, warmup: int) -> list[int]:
    """A persistent worker's count of each request after the warm-up. Only
    the worker dumps after a request; its last file is its exit, which
    collects nothing."""
    workers = [dumps for dumps in counts.values() if len(dumps) > 1]
    if len(workers) != 1 or len(workers[0]) != requests + 1:
        raise fpm.BenchError(f"expected one worker with {requests} request counts, got "
                             f"{[len(dumps) - 1 for dumps in workers]}")
    return workers[0][warmup:requests]


def worker_lives(counts: dict[int, list[int]], requests: int, warmup: int) -> list[int]:
    """Each fresh worker's whole life, from fork to exit, in the order they
    were forked (PIDs only grow in the new namespace), the master (PID 1)
    left out: worker n served request n. The first `warmup` are left out,
    and the one forked after the last request, if it was, which served none."""
    pids = sorted(counts)
    workers = [counts[pid][-1] for pid in pids[1:]]
    if len(workers) < requests:
        raise fpm.BenchError(f"expected {requests} workers, callgrind wrote {len(workers)}")
    return workers[warmup:requests]


def run(tools: fpm.Tools, configs: tuple[fpm.Config, ...], smoke: bool, progress) -> dict | None:
    """Per configuration: instructions per request of a persistent worker and
    of a fresh worker's life. None when valgrind or cgi-fcgi is not
    installed (reported, not measured)."""
    valgrind, cgi_fcgi = shutil.which("valgrind"), shutil.which("cgi-fcgi")
    if valgrind is None or cgi_fcgi is None:
        progress("valgrind or cgi-fcgi not installed: instructions NOT measured")
        return None
    results: dict = {}
    for mode in fpm.MODES:
        requests, warmup = SIZES["smoke" if smoke else "full"][mode.key]
        pick = per_request if mode.key == "persistent" else worker_lives
        per_config = {}
        for config in configs:
            samples = pick(pool_counts(config, mode, requests, tools, valgrind, cgi_fcgi), requests, warmup)
            per_config[config.key] = {"median": statistics.median(samples), "min": min(samples),
                                      "max": max(samples), "samples": len(samples)}
        progress(f"{mode.key}: " + "  ".join(f"{key} {row['median']:,.0f}" for key, row in per_config.items()))
        results[mode.key] = per_config
    return results
