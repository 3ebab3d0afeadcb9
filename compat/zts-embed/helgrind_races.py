#!/usr/bin/env python3
"""Reads helgrind's XML report of a driver run and fails on any data race in
which aws_env's code (libaws_env.so) takes part.

Helgrind runs with --default-suppressions=no: its default suppressions hide
every race inside libc, and with them exactly the races that matter here,
getenv() against setenv()/putenv() in another thread. Without them it also
reports the words inside glibc's own pthread mutexes, which its interceptors
already model as locks: a report whose every access is inside
pthread_mutex_lock/unlock is that noise, and is not counted.

Usage: helgrind_races.py HELGRIND_XML
Prints each counted race as its two stacks (function names only) and
"N passed, N failed" (aws_env races), exits 1 if any.
"""

from __future__ import annotations

import pathlib
import re
import sys
import xml.etree.ElementTree as ET

MODULE = "libaws_env.so"
MUTEX_INTERNALS = re.compile(r"^(__)?pthread_mutex_(un)?lock")


def frames(stack: ET.Element) -> list[tuple[str, str]]:
    """(function, object file name) of each frame, innermost first."""
    return [
        (frame.findtext("fn") or "???", pathlib.Path(frame.findtext("obj") or "?").name)
        for frame in stack.findall("frame")
    ]


def inside_mutex(stack: list[tuple[str, str]]) -> bool:
    return bool(stack) and bool(MUTEX_INTERNALS.match(stack[0][0]))


def access_stacks(error: ET.Element) -> list[list[tuple[str, str]]]:
    """The racing access's stack and the conflicting access's, leaving out
    the other stacks of a report (such as where the memory was allocated)."""
    stacks, label = [], "xwhat"
    for child in error:
        if child.tag in ("xwhat", "xauxwhat", "auxwhat"):
            label = "conflict" if "conflicts with" in (child.findtext("text") or child.text or "") else child.tag
        elif child.tag == "stack" and label in ("xwhat", "conflict"):
            stacks.append(frames(child))
            label = "used"
    return stacks


def aws_env_races(report: ET.Element) -> list[list[list[tuple[str, str]]]]:
    races = []
    for error in report.iter("error"):
        if error.findtext("kind") != "Race":
            continue
        stacks = access_stacks(error)
        involves_module = any(obj == MODULE for stack in stacks for _fn, obj in stack)
        if involves_module and not all(inside_mutex(stack) for stack in stacks):
            races.append(stacks)
    return races


def show(stacks: list[list[tuple[str, str]]]) -> str:
    parts = []
    for label, stack in zip(("access", "conflicts with"), stacks):
        names = [fn for fn, obj in stack if obj != "vgpreload_helgrind-amd64-linux.so"][:8]
        parts.append(f"  {label}: " + " <- ".join(names))
    return "\n".join(parts)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    report = ET.parse(sys.argv[1]).getroot()
    all_races = sum(1 for e in report.iter("error") if e.findtext("kind") == "Race")
    races = aws_env_races(report)
    for stacks in races:
        print("data race involving aws_env:\n" + show(stacks))
    print(f"helgrind: {all_races} race reports in all, {len(races)} involving aws_env")
    print(f"helgrind: {1 if not races else 0} passed, {1 if races else 0} failed")
    return 1 if races else 0


if __name__ == "__main__":
    sys.exit(main())
