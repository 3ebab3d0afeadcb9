#!/usr/bin/env python3
"""Prints, exactly as written, the Dockerfile block that README.md gives for
adding aws_env to an existing application: the first ```Dockerfile block after
the sentence that introduces it. The container leg builds what this prints,
so the README cannot drift from what works.

Usage: readme_dockerfile.py README.md
"""

import pathlib
import re
import sys

INTRODUCTION = "To add aws_env to an existing application Dockerfile"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    text = pathlib.Path(sys.argv[1]).read_text()
    start = text.find(INTRODUCTION)
    if start < 0:
        print(f"readme_dockerfile.py: no '{INTRODUCTION}' in {sys.argv[1]}", file=sys.stderr)
        return 1
    block = re.compile(r"^```Dockerfile\n(.*?)^```$", re.S | re.M).search(text, start)
    if block is None:
        print(f"readme_dockerfile.py: no ```Dockerfile block after '{INTRODUCTION}'", file=sys.stderr)
        return 1
    sys.stdout.write(block.group(1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
