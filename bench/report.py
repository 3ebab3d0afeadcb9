"""The benchmark report: machine, versions, result tables and the targets."""

from __future__ import annotations

import dataclasses
import datetime
import json
import statistics
import os
import pathlib
import platform
import subprocess

import fpm_throughput

# The targets, judged on instruction counts (callgrind), which other load on
# the machine cannot disturb. A miss is reported, never relaxed.
TARGET_PERSISTENT_OVERHEAD = 0.002  # (b) adds at most 0.2 % to (a)'s instructions per request
TARGET_CLI_OVER_REFERENCE = 1.2  # aws_env's CLI start-up overhead, at most 1.2 x calendar's
TARGET_PARSE_1MIB_NS = 1_000_000
PARSE_1MIB_IDS = ("environ_parse/many_entries/1MiB", "environ_parse/one_large_value/1MiB")


def first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except OSError as error:
        return f"unavailable ({error})"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def machine() -> dict:
    cpuinfo = pathlib.Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    meminfo = pathlib.Path("/proc/meminfo").read_text()
    mem_kib = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal:")))
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": first_line(["sh", "-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]),
    }


def versions(tools: fpm_throughput.Tools, php: str) -> dict:
    return {
        "php": first_line([php, "-n", "-v"]),
        "php-fpm": first_line([tools.php_fpm, "-n", "-v"]),
        "nginx": first_line([tools.nginx, "-v"]),
        "wrk": first_line([tools.wrk, "-v"]).split(" Copyright")[0],
        "rustc": first_line(["rustc", "--version"]),
        "aws_env": first_line([php, "-n", "-d", f"extension={tools.extension}", "-r",
                               'echo phpversion("aws_env");']),
        "commit": first_line(["git", "-C", str(fpm_throughput.HERE.parent), "rev-parse", "--short", "HEAD"]),
    }


def criterion_results(home: pathlib.Path) -> dict[str, dict]:
    """Criterion's median estimate (ns) and its 95 % interval, per benchmark."""
    found = []
    for benchmark_file in home.glob("**/new/benchmark.json"):
        benchmark = json.loads(benchmark_file.read_text())
        estimates = json.loads((benchmark_file.parent / "estimates.json").read_text())
        median = estimates["median"]
        throughput = benchmark.get("throughput") or {}
        # Source order: by group and function, then by input size.
        order = (benchmark["group_id"], benchmark.get("function_id") or "", throughput.get("Bytes", 0))
        found.append((order, benchmark["full_id"], {
            "median_ns": median["point_estimate"],
            "low_ns": median["confidence_interval"]["lower_bound"],
            "high_ns": median["confidence_interval"]["upper_bound"],
            "throughput": throughput,
        }))
    return {full_id: row for _, full_id, row in sorted(found)}


@dataclasses.dataclass
class Verdict:
    name: str
    measured: str
    met: bool


def round_ratios(mode: dict, top: str, bottom: str) -> list[float]:
    """`top`/`bottom` throughput in each round, runs that were neighbours in time."""
    return [r["results"][top]["rps"] / r["results"][bottom]["rps"] for r in mode["rounds"]]


def verdicts(results: dict) -> list[Verdict]:
    checks = []
    counted = results.get("fpm_instructions") or {}
    persistent, fresh = counted.get("persistent", {}), counted.get("fresh", {})
    if "a" in persistent and "b" in persistent:
        a, b = persistent["a"]["median"], persistent["b"]["median"]
        checks.append(Verdict(
            f"persistent worker: (b) adds at most {TARGET_PERSISTENT_OVERHEAD:.1%} to (a) per request",
            f"{b - a:+,.0f} instructions ({(b - a) / a:+.3%}); at most {a * TARGET_PERSISTENT_OVERHEAD:,.0f} "
            f"meets it", (b - a) <= a * TARGET_PERSISTENT_OVERHEAD))
    for reference in ("c", "e"):
        if "b" in fresh and reference in fresh:
            b, other = fresh["b"]["median"], fresh[reference]["median"]
            checks.append(Verdict(
                f"fresh worker: (b) costs no more than ({reference}) over a whole life",
                f"{b:,.0f} against {other:,.0f} ({b - other:+,.0f})", b <= other))
    clean = (results.get("cli_clean") or {}).get("instructions") or {}
    if "reference" in clean:
        ours, reference = clean["with"] - clean["without"], clean["reference"] - clean["without"]
        checks.append(Verdict(
            f"CLI start-up (empty environment): aws_env's overhead at most {TARGET_CLI_OVER_REFERENCE} x calendar's",
            f"{ours:+,} against {reference:+,} instructions: {ours / reference:.2f} x",
            ours <= TARGET_CLI_OVER_REFERENCE * reference))
    micro = results.get("micro") or {}
    for full_id in PARSE_1MIB_IDS:
        if full_id in micro:
            median = micro[full_id]["median_ns"]
            checks.append(Verdict(f"`{full_id}` <= 1 ms", format_ns(median), median <= TARGET_PARSE_1MIB_NS))
    return checks


def format_ns(ns: float) -> str:
    for unit, scale in (("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def markdown(results: dict) -> str:
    out = []
    info, ver = results["machine"], results["versions"]
    out.append(f"Run {results['date']}, mode `{results['mode']}`"
               + (" (smoke: no thresholds, numbers meaningless)" if results["mode"] == "smoke" else "") + ".\n")
    out.append(f"- Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['ram_gib']} GiB RAM, "
               f"{info['os']}, Linux {info['kernel']}; load average {results['load_before']:.2f} before, "
               f"{results['load_after']:.2f} after")
    out.append(f"- Versions: {ver['php']}; {ver['php-fpm']}; {ver['nginx']}; {ver['wrk']}; {ver['rustc']}; "
               f"aws_env {ver['aws_env']} (commit {ver['commit']})")
    if results.get("fpm_instructions"):
        out += instructions_table(results["fpm_instructions"])
    if results.get("cli_clean"):
        out += cli_instructions_table(results["cli_clean"], results.get("cli"))
    if results["mode"] != "smoke":
        out.append("\n### Targets\n")
        out.append("Judged on the instruction counts above; the wall-clock and CPU-time measurements below "
                   "are a cross-check.\n")
        out.append("| target | measured | |")
        out.append("|---|---|---|")
        for verdict in results["verdicts"]:
            out.append(f"| {verdict['name']} | {verdict['measured']} | {'met' if verdict['met'] else '**MISSED**'} |")
    if results.get("fpm"):
        out += fpm_tables(results["fpm"])
        out += interleaved_tables(results["fpm"])
    if results.get("cli"):
        out += cli_table(results["cli"])
    if results.get("micro"):
        out += micro_table(results["micro"])
    if results.get("fpm"):
        out += noise_floor(results["fpm"])
    return "\n".join(out) + "\n"


def noise_floor(fpm: dict) -> list[str]:
    """(a) against (c): neither loads an extension, and callgrind counts
    about the same instructions per request for both, so how far their
    measured ratio strays from 1.00 shows how well this run can tell (b)
    from (c). Shown, never judged."""
    out = ["\n### Noise floor: (a) against (c)\n",
           "Neither loads an extension, and their instruction counts are within a few per cent of each "
           "other (see the callgrind table), so their ratio would stay that close to 1.000 on a quiet, "
           "steady machine. How far it strays shows how well this run can tell (b) from (c).\n",
           "| mode | (a) / (c), medians | per-round (a) / (c): median (min – max) |",
           "|---|---:|---:|"]
    for mode in fpm["modes"]:
        summary, per_round = mode["summary"], round_ratios(mode, "a", "c")
        out.append(f"| {mode['mode']} | {summary['a']['median_rps'] / summary['c']['median_rps']:.3f} "
                   f"| {statistics.median(per_round):.3f} ({min(per_round):.3f} – {max(per_round):.3f}) |")
    out += ["\nThe same pair in the interleaved measurement, as pool CPU per request (a) / (c):\n",
            "| mode | per-run (a) / (c): median (min – max) |",
            "|---|---:|"]
    for mode in fpm["interleaved"]:
        out.append(f"| {mode['mode']} | {median_and_range(mode['summary']['a']['cpu_ratio_to_c'])} |")
    return out


def interleaved_tables(fpm: dict) -> list[str]:
    settings = fpm["settings"]
    keys = list(fpm["interleaved"][0]["summary"]) if fpm["interleaved"] else []
    reference = ("; (e) loads a small extension of PHP's own instead of aws_env, to show what loading "
                 "any extension costs" if "e" in keys else "")
    out = ["\n### php-fpm CPU per request, requests interleaved\n",
           f"The same pools behind the same nginx{reference}. One wrk run sends request 1 to "
           f"({keys[0] if keys else 'a'}), request 2 to the next pool and so on round the {len(keys)} "
           "pools, so every configuration serves under the very same conditions; the pools' CPU time "
           "(master and workers, from /proc) per request served. "
           f"{settings['interleaved_runs']} run{'s' if settings['interleaved_runs'] != 1 else ''} of "
           f"{settings['duration_s']} s, each with all the pools "
           "and nginx started afresh (a new memory layout each time); the ratios are per run.\n"]
    for mode in fpm["interleaved"]:
        out.append(f"\n{mode['label'][0].upper()}{mode['label'][1:]}:\n")
        out.append("| config | median pool CPU per request | ratio to (a): median (min – max) "
                   "| ratio to (c): median (min – max) | requests |")
        out.append("|---|---:|---:|---:|---:|")
        for key, row in mode["summary"].items():
            to_a, to_c = row["cpu_ratio_to_a"], row["cpu_ratio_to_c"]
            out.append(f"| ({key}) {row['label']} | {row['median_cpu_us_per_request']:.1f} µs "
                       f"| **{to_a['median']:.3f}** ({value_range(to_a)}) | {median_and_range(to_c)} "
                       f"| {row['requests']} |")
    return out


def value_range(ratio: dict) -> str:
    """An interleaved ratio's spread over the runs: "min – max"."""
    return f"{ratio['min']:.3f} – {ratio['max']:.3f}"


def median_and_range(ratio: dict) -> str:
    return f"{ratio['median']:.3f} ({value_range(ratio)})"


def fpm_tables(fpm: dict) -> list[str]:
    settings = fpm["settings"]
    out = ["\n### php-fpm throughput\n",
           f"nginx -> php-fpm (unix socket) -> `hello.php`; pm = static, {settings['workers']} workers, "
           f"opcache on; wrk -t1 -c{settings['connections']}, "
           + (f"at most {settings['cap']} requests in {settings['duration_s']} s" if settings["cap"]
              else f"{settings['duration_s']} s") + " per run, "
           + (f"{settings['rounds']} interleaved rounds (a b c d, b c d a, c d a b, d a b c, ...)." if settings["rounds"] > 1
              else "one round (a b c d).")]
    for mode in fpm["modes"]:
        loads = [r["loadavg"] for r in mode["rounds"]]
        out.append(f"\n{mode['label'][0].upper()}{mode['label'][1:]} "
                   f"(load average during the rounds: {min(loads):.1f} – {max(loads):.1f}):\n")
        out.append("| config | median req/s | min – max req/s | ratio to (a) | per-round ratio: median (min – max) "
                   "| pool CPU per request | CPU ratio to (a) | median p50 / p99 latency |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for key, row in mode["summary"].items():
            out.append(
                f"| ({key}) {row['label']} | {row['median_rps']:.0f} | {row['min_rps']:.0f} – {row['max_rps']:.0f} "
                f"| **{row['ratio_to_a']:.3f}** | {row['round_ratio_median']:.3f} "
                f"({row['round_ratio_min']:.3f} – {row['round_ratio_max']:.3f}) "
                f"| {row['median_cpu_us_per_request']:.0f} µs | {row['cpu_ratio_to_a']:.3f} "
                f"| {row['median_p50_latency_us'] / 1000:.2f} / {row['median_p99_latency_us'] / 1000:.2f} ms |")
    return out


def instructions_table(counted: dict) -> list[str]:
    out = ["\n### php-fpm instructions (callgrind)\n",
           "One worker per pool, requests one at a time straight to its socket. Persistent worker: the "
           "inclusive count of `php_request_startup` + `php_execute_script` + `php_request_shutdown` for one "
           "request (aws_env's hook runs in the first), the median over the requests after a warm-up. Fresh "
           "worker (`pm.max_requests = 1`): everything a worker executes from its fork to its exit "
           "(callgrind zeroes its counters at every fork), the median over the workers but the first. "
           "Not disturbed by other load on the machine.\n",
           "| config | persistent worker, per request | vs (a) | fresh worker, whole life | vs (a) |",
           "|---|---:|---:|---:|---:|"]
    persistent, fresh = counted["persistent"], counted["fresh"]
    labels = {config.key: config.label for config in (*fpm_throughput.CONFIGS, fpm_throughput.REFERENCE)}
    for key in persistent:
        out.append(f"| ({key}) {labels[key]} | {persistent[key]['median']:,.0f} | {versus(persistent, key)} "
                   f"| {fresh[key]['median']:,.0f} | {versus(fresh, key)} |")
    return out


def versus(counts: dict, key: str, base: str = "a") -> str:
    """A count's difference from the baseline's, absolute and relative."""
    if key == base or base not in counts:
        return ""
    value, reference = counts[key]["median"], counts[base]["median"]
    return f"{value - reference:+,.0f} ({(value - reference) / reference:+.2%})"


def cli_instructions_table(clean: dict, fargate: dict | None) -> list[str]:
    columns = [("empty environment", clean["instructions"])]
    if fargate and fargate.get("instructions"):
        columns.append(("Fargate environment (both sources 100 variables)", fargate["instructions"]))
    out = ["\n### CLI start-up instructions (callgrind)\n",
           "The whole process, `php -n -d extension_dir=D [-d extension=aws_env|calendar] -r ''`, both "
           "modules loaded by name from one temporary extension directory D, as an installation loads them, "
           "as PID 1 of a PID namespace holding the environment named, so that aws_env reads both its "
           "sources.\n",
           "| command | " + " | ".join(f"{title} | overhead" for title, _ in columns) + " |",
           "|---|" + "---:|---:|" * len(columns)]
    rows = (("without", "`php -n -r ''`"), ("with", "`php -n -d extension=aws_env -r ''`"),
            ("reference", "`php -n -d extension=calendar -r ''`"))
    for key, label in rows:
        cells = []
        for _, counts in columns:
            if key not in counts:
                cells += ["not measured", ""]
                continue
            overhead = counts[key] - counts["without"]
            cells += [f"{counts[key]:,}", f"{overhead:+,}" if key != "without" else ""]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    for title, counts in columns:
        if "reference" in counts:
            ratio = (counts["with"] - counts["without"]) / (counts["reference"] - counts["without"])
            out.append(f"\n{title[0].upper()}{title[1:]}: aws_env's overhead is **{ratio:.2f} x** calendar's.")
    return out


def cli_table(cli: dict) -> list[str]:
    out = ["\n### CLI start-up\n",
           f"`php -n -r ''` against `php -n -d extension=aws_env -r ''` (from a temporary extension directory), "
           f"{cli['without']['runs']} runs each, alternating, in a PID namespace whose PID 1 holds the Fargate "
           "environment.\n",
           "| command | median wall | wall quartiles | median CPU (user+sys) | minor page faults "
           "| involuntary context switches (mean) |",
           "|---|---:|---:|---:|---:|---:|"]
    for key, label in (("without", "`php -n -r ''`"), ("with", "`php -n -d extension=aws_env -r ''`")):
        row = cli[key]
        out.append(f"| {label} | {row['median_wall_ms']:.2f} ms | {row['q1_wall_ms']:.2f} – {row['q3_wall_ms']:.2f} ms "
                   f"| {row['median_cpu_ms']:.2f} ms | {row['median_minor_faults']:.0f} "
                   f"| {row['mean_involuntary_switches']:.1f} |")
    ratios = f"wall **{cli['wall_ratio']:.3f}**, CPU {cli['cpu_ratio']:.3f}"
    out.append(f"\nRatios with/without: {ratios}; median paired wall difference "
               f"{cli['median_paired_diff_ms'] * 1000:+.0f} µs.")
    return out


def micro_table(micro: dict) -> list[str]:
    out = ["\n### Criterion micro-benchmarks\n",
           "| benchmark | median | 95 % interval of the median | rate |",
           "|---|---:|---:|---:|"]
    for full_id, row in micro.items():
        out.append(f"| `{full_id}` | {format_ns(row['median_ns'])} "
                   f"| {format_ns(row['low_ns'])} – {format_ns(row['high_ns'])} | {rate(row)} |")
    return out


def rate(row: dict) -> str:
    throughput = row["throughput"]
    if "Bytes" in throughput:
        return f"{throughput['Bytes'] / row['median_ns'] * 1e9 / 2**30:.2f} GiB/s"
    if "Elements" in throughput:
        return f"{format_ns(row['median_ns'] / throughput['Elements'])} per name"
    return ""


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
