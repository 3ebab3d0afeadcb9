#!/usr/bin/env python3
"""Prints the URIs of this machine's Debian archive mirrors, one a line, in the
order APT lists them: the entries of the machine's own Debian sources (deb822
`*.sources` files and one-line `sources.list` files) for this release's main
suite with component main. Security and third-party entries are left out.

aws_env never hard-codes a mirror: the pinned PHP source is fetched by its
pool path from these (compat/fetch-php-source), and the container images'
Debian root is bootstrapped from the first (docker/test/build-images).

Usage: debian_mirrors.py CODENAME [APT_ETC]   (APT_ETC defaults to /etc/apt)
"""

from __future__ import annotations

import pathlib
import sys



def deb822_entries(text: str) -> list[dict[str, str]]:
    """The stanzas of a deb822 file as dicts (folded lines joined, comments dropped)."""
    entries, current, key = [], {}, None
    for line in text.splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line[0].isspace() and key:
            current[key] += " " + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip().lower()
            current[key] = value.strip()
    return entries


def one_line_entries(text: str) -> list[dict[str, str]]:
    """`deb [options] URI SUITE COMPONENT...` lines as deb822-like dicts."""
    entries = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) < 3 or words[0] not in ("deb", "deb-src"):
            continue
        if words[1].startswith("["):
            end = next(i for i, w in enumerate(words) if w.endswith("]"))
            words = words[:1] + words[end + 1:]
        entries.append({"types": words[0], "uris": words[1], "suites": words[2],
                        "components": " ".join(words[3:])})
    return entries


def machine_entries(apt_etc: pathlib.Path) -> list[dict[str, str]]:
    entries = []
    lists = [apt_etc / "sources.list", *sorted((apt_etc / "sources.list.d").glob("*.list"))]
    for path in lists:
        if path.is_file():
            entries += one_line_entries(path.read_text(errors="replace"))
    for path in sorted((apt_etc / "sources.list.d").glob("*.sources")):
        entries += deb822_entries(path.read_text(errors="replace"))
    return entries


def mirror_uris(entries: list[dict[str, str]], codename: str) -> list[str]:
    uris: list[str] = []
    for entry in entries:
        if entry.get("enabled", "yes").lower() == "no":
            continue
        if "deb" not in entry.get("types", "").split():
            continue
        if codename not in entry.get("suites", "").split():
            continue
        if "main" not in entry.get("components", "").split():
            continue
        for uri in entry.get("uris", "").split():
            if uri.rstrip("/") not in uris:
                uris.append(uri.rstrip("/"))
    return uris


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    codename = sys.argv[1]
    apt_etc = pathlib.Path(sys.argv[2] if len(sys.argv) == 3 else "/etc/apt")
    uris = mirror_uris(machine_entries(apt_etc), codename)
    if not uris:
        print(f"debian_mirrors.py: no Debian '{codename}' entry with component main "
              f"in {apt_etc}/sources.list*", file=sys.stderr)
        return 1
    print("\n".join(uris))
    return 0


if __name__ == "__main__":
    sys.exit(main())
