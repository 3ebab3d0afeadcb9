"""Runs the php-fpm and CLI start-up benchmarks (instructions, then wall
clock and CPU time as a cross-check), reads Criterion's results, and writes
the report. Started by bench/run, which builds first.

Exit status: 0 done; 1 something is broken (a server did not start, a request
failed, a check of what a worker sees failed); 3 (full and instructions modes)
a target was missed. Smoke mode never judges.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pathlib
import shutil
import signal
import sys
import time

sys.dont_write_bytecode = True

import cli_startup  # noqa: E402
import ecs_env  # noqa: E402
import fpm_instructions  # noqa: E402
import fpm_throughput  # noqa: E402
import report  # noqa: E402

SMOKE = {"rounds": 1, "interleaved_runs": 1, "duration_s": 3, "warmup_s": 0, "cap": 300, "cli_pairs": 20,
         "cli_warmup": 2}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--smoke", action="store_true", help="a few hundred requests, no thresholds")
    size.add_argument("--instructions", action="store_true",
                      help="only the instruction counts, which the targets are judged on")
    parser.add_argument("--extension", required=True, type=pathlib.Path, help="the built libaws_env.so")
    parser.add_argument("--php", required=True)
    parser.add_argument("--php-fpm", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path, help="directory for report.md and results.json")
    parser.add_argument("--criterion", type=pathlib.Path, help="CRITERION_HOME of the full run's cargo bench")
    parser.add_argument("--rounds", type=int, default=8, help="a multiple of 4 gives every configuration every slot")
    parser.add_argument("--interleaved-runs", type=int, default=8,
                        help="starts of all the pools for the interleaved measurement, per mode")
    parser.add_argument("--duration", type=int, default=9, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk per pool before the rounds")
    parser.add_argument("--workers", type=int, default=2, help="pm.max_children of every pool")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--cli-pairs", type=int, default=1000)
    return parser.parse_args()


def tool(name: str) -> str:
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if path is None:
        raise fpm_throughput.BenchError(f"required program not found: {name}")
    return os.path.realpath(path)


def progress(message: str) -> None:
    print(f"    {message}", flush=True)


def step(title: str, body):
    """Runs one measurement under a heading, says how long it took, and
    returns its result."""
    print(f"==> {title}", flush=True)
    started = time.monotonic()
    result = body()
    progress(f"{time.monotonic() - started:.0f} s")
    return result


def main() -> int:
    # A plain SIGTERM would skip the clean-up: make it unwind like Ctrl-C, so
    # that every server is stopped by PID and every directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    mode = "smoke" if args.smoke else "instructions" if args.instructions else "full"
    settings = fpm_throughput.Settings(
        rounds=SMOKE["rounds"] if args.smoke else args.rounds,
        duration_s=SMOKE["duration_s"] if args.smoke else args.duration,
        warmup_s=SMOKE["warmup_s"] if args.smoke else args.warmup,
        cap=SMOKE["cap"] if args.smoke else 0,
        workers=args.workers,
        connections=args.connections,
        interleaved_runs=SMOKE["interleaved_runs"] if args.smoke else args.interleaved_runs,
    )
    if not args.extension.is_file():
        print(f"bench.py: extension not found: {args.extension}", file=sys.stderr)
        return 1
    try:
        tools = fpm_throughput.Tools(
            php_fpm=tool(args.php_fpm), nginx=tool("nginx"), wrk=tool("wrk"),
            unshare=tool("unshare"), extension=args.extension.resolve(),
        )
        php = tool(args.php)
        results = {"mode": mode, "date": report.now(), "machine": report.machine(),
                   "versions": report.versions(tools, php), "load_before": os.getloadavg()[0]}
        reference = fpm_throughput.loadable(tools, fpm_throughput.REFERENCE)

        # Smoke mode checks the instruction machinery on aws_env's pool alone.
        counted = ((fpm_throughput.CONFIGS[1],) if args.smoke
                   else fpm_throughput.CONFIGS + ((fpm_throughput.REFERENCE,) if reference else ()))
        results["fpm_instructions"] = step(
            "php-fpm instructions (callgrind): a persistent worker's request, a fresh worker's life",
            lambda: fpm_instructions.run(tools, counted, args.smoke, progress))
        # Instructions only, in an empty environment: the CLI target's setting.
        results["cli_clean"] = step(
            "CLI start-up instructions (callgrind), empty environment",
            lambda: cli_startup.measure(php, str(tools.extension), pairs=0, warmup=0, unshare=tools.unshare,
                                        environment={}, captured_names=[], count_instructions=True))

        if mode != "instructions":
            results["fpm"] = step(
                "php-fpm throughput (a b c d, rounds interleaved and rotated), then pool CPU with "
                "requests interleaved",
                lambda: fpm_throughput.run(settings, tools, progress))
            results["cli"] = step(
                "CLI start-up in the Fargate environment (wall clock, CPU" + (")" if args.smoke else ", instructions)"),
                lambda: cli_startup.measure(
                    php, str(tools.extension),
                    pairs=SMOKE["cli_pairs"] if args.smoke else args.cli_pairs,
                    warmup=SMOKE["cli_warmup"] if args.smoke else 20,
                    unshare=tools.unshare, environment=ecs_env.ENVIRONMENT,
                    captured_names=ecs_env.CAPTURED_NAMES,
                    count_instructions=not args.smoke))
    except (fpm_throughput.BenchError, cli_startup.BenchError) as error:
        print(f"bench: BROKEN: {error}", file=sys.stderr)
        return 1

    results["micro"] = report.criterion_results(args.criterion) if args.criterion else {}
    results["load_after"] = os.getloadavg()[0]
    results["verdicts"] = [dataclasses.asdict(v) for v in report.verdicts(results)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    text = report.markdown(results)
    (args.out / "report.md").write_text(text)
    print("\n" + text)
    print(f"(written to {args.out}/report.md and results.json)")
    if mode != "smoke":
        missed = [v["name"] for v in results["verdicts"] if not v["met"]]
        if missed:
            print("bench: targets MISSED: " + "; ".join(missed), file=sys.stderr)
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
