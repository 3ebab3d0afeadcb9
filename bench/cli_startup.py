"""CLI start-up: `php -n -d extension=aws_env -r ''` against `php -n -r ''`,
the module loaded by name from a temporary extension directory.

`measure()` runs this file as PID 1 of a new PID namespace (with its own
/proc) holding a given environment: the ECS Fargate one, the layout of a
container whose entrypoint starts PHP (the module then reads its own
environment and /proc/1/environ, as it would in production), or an empty
one. The two commands alternate, each pair in turn order (AB BA AB ...), so
drift and ordering hit both alike.

Per run: wall time from spawn to reap (what a shell pays for `php ...`), and
from the child's rusage its CPU time, minor page faults and involuntary
context switches (how often a busy machine took the CPU away). Optionally,
the instructions each command executes, counted by callgrind: a measure of
the work itself that no other load on the machine can disturb; these also
count `php -n -d extension=calendar -r ''`, PHP's own small extension, for
what loading any extension costs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

MEASURES = ("wall_ns", "cpu_ns", "minor_faults", "involuntary_switches")


class BenchError(Exception):
    pass


# The reference extension the instruction counts compare with.
REFERENCE_EXTENSION = "calendar"


@contextlib.contextmanager
def extension_dir(php: str, extension: str):
    """A temporary extension directory holding the module as aws_env.so and
    PHP's own calendar.so, if this PHP has it: every command loads its
    extension by name from there, as an installation does, so that aws_env
    and calendar go through the very same steps (the length of a path
    alone moves PHP's and the dynamic linker's work by thousands of
    instructions)."""
    with tempfile.TemporaryDirectory(prefix="aws-env-bench-cli-") as directory:
        os.chmod(directory, 0o755)
        shutil.copy(extension, os.path.join(directory, "aws_env.so"))
        found = subprocess.run([php, "-n", "-r", 'echo ini_get("extension_dir");'],
                               capture_output=True, text=True).stdout
        reference = os.path.join(found, f"{REFERENCE_EXTENSION}.so")
        if found and os.path.isfile(reference):
            shutil.copy(reference, directory)
        yield directory


def commands(php: str, directory: str) -> dict[str, list[str]]:
    """The timed commands, and calendar instead of aws_env if it is there
    (for the instruction counts)."""
    base = [php, "-n", "-d", f"extension_dir={directory}"]
    argvs = {
        "without": [*base, "-r", ""],
        "with": [*base, "-d", "extension=aws_env", "-r", ""],
    }
    if os.path.isfile(os.path.join(directory, f"{REFERENCE_EXTENSION}.so")):
        argvs["reference"] = [*base, "-d", f"extension={REFERENCE_EXTENSION}", "-r", ""]
    return argvs


def timed_run(argv: list[str]) -> dict[str, int]:
    """One run, output discarded."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
        start = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter_ns() - start
    finally:
        os.close(devnull)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        raise BenchError(f"{' '.join(argv)} failed (wait status {status})")
    return {
        "wall_ns": wall,
        "cpu_ns": int((usage.ru_utime + usage.ru_stime) * 1e9),
        "minor_faults": usage.ru_minflt,
        "involuntary_switches": usage.ru_nivcsw,
    }


def check(php: str, directory: str, expected: list[str]) -> None:
    """Fails unless the module loads and captures the expected variables
    here, and the baseline runs without it. Names only: no value is
    printed."""
    probe = 'echo json_encode(extension_loaded("aws_env") ? array_keys(aws_env_status()["captured"]) : null);'
    argvs = commands(php, directory)
    loaded = subprocess.run([*argvs["with"][:-2], "-r", probe], capture_output=True, text=True)
    baseline = subprocess.run([*argvs["without"][:-2], "-r", probe], capture_output=True, text=True)
    captured = json.loads(loaded.stdout or "null") if loaded.returncode == 0 else None
    if loaded.stderr or sorted(captured or []) != sorted(expected):
        raise BenchError(f"php with aws_env: status {loaded.returncode}, captured {loaded.stdout!r}, "
                         f"expected {expected}; stderr: {loaded.stderr.strip()}")
    if baseline.returncode != 0 or baseline.stdout != "null":
        raise BenchError(f"php without aws_env: status {baseline.returncode}, output {baseline.stdout!r}")


def sample(php: str, directory: str, pairs: int, warmup: int) -> dict[str, dict[str, list[int]]]:
    argvs = commands(php, directory)
    runs = {key: {measure: [] for measure in MEASURES} for key in ("without", "with")}
    for number in range(warmup + pairs):
        order = ("without", "with") if number % 2 == 0 else ("with", "without")
        for key in order:
            result = timed_run(argvs[key])
            if number >= warmup:
                for measure in MEASURES:
                    runs[key][measure].append(result[measure])
    return runs


def instructions(php: str, directory: str) -> dict[str, int] | None:
    """Instructions executed by each counted command (user space, whole
    process), from callgrind; None when valgrind is not installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    counts = {}
    for key, argv in commands(php, directory).items():
        done = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                              capture_output=True, text=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise BenchError(f"callgrind failed on {' '.join(argv)}: {done.stderr.strip()[-500:]}")
        counts[key] = int(found.group(1))
    return counts


def summarise(runs: dict | None, counted: dict[str, int] | None) -> dict:
    summary: dict = {"instructions": counted}
    if runs is None:
        return summary
    for key, measures in runs.items():
        wall_q1, _, wall_q3 = statistics.quantiles(measures["wall_ns"], n=4)
        summary[key] = {
            "runs": len(measures["wall_ns"]),
            "median_wall_ms": statistics.median(measures["wall_ns"]) / 1e6,
            "q1_wall_ms": wall_q1 / 1e6,
            "q3_wall_ms": wall_q3 / 1e6,
            "median_cpu_ms": statistics.median(measures["cpu_ns"]) / 1e6,
            "median_minor_faults": statistics.median(measures["minor_faults"]),
            "mean_involuntary_switches": statistics.mean(measures["involuntary_switches"]),
        }
    pair_diffs = [w - wo for w, wo in zip(runs["with"]["wall_ns"], runs["without"]["wall_ns"])]
    summary["wall_ratio"] = summary["with"]["median_wall_ms"] / summary["without"]["median_wall_ms"]
    summary["cpu_ratio"] = summary["with"]["median_cpu_ms"] / summary["without"]["median_cpu_ms"]
    summary["median_paired_diff_ms"] = statistics.median(pair_diffs) / 1e6
    return summary


def measure(php: str, extension: str, pairs: int, warmup: int, unshare: str, environment: dict,
            captured_names: list[str], count_instructions: bool) -> dict:
    """Runs this file inside a fresh PID namespace whose PID 1 holds
    `environment` and returns its summary; `pairs` 0 times nothing."""
    command = [unshare, "--pid", "--fork", "--mount-proc", "--kill-child",
               sys.executable, __file__, "--php", php, "--extension", extension,
               "--pairs", str(pairs), "--warmup", str(warmup),
               "--expect", json.dumps(captured_names)]
    if count_instructions:
        command.append("--instructions")
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"CLI start-up benchmark failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--php", required=True)
    parser.add_argument("--extension", required=True)
    parser.add_argument("--pairs", type=int, required=True, help="0: no timed runs")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--expect", required=True, help="JSON list of the names aws_env must capture")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    args = parser.parse_args()
    if os.getpid() != 1:
        print("cli_startup.py: run me through measure() (PID 1 of a PID namespace)", file=sys.stderr)
        return 2
    try:
        with extension_dir(args.php, args.extension) as directory:
            check(args.php, directory, json.loads(args.expect))
            runs = sample(args.php, directory, args.pairs, args.warmup) if args.pairs else None
            counted = instructions(args.php, directory) if args.instructions else None
    except BenchError as error:
        print(f"cli_startup.py: {error}", file=sys.stderr)
        return 1
    json.dump(summarise(runs, counted), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
