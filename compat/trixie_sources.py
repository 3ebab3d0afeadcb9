#!/usr/bin/env python3
"""Prints a deb822 sources stanza list for Debian 13 (trixie) source packages,
built from the Debian entries this machine's APT already uses.

Only `Types: deb-src` is written, so nothing from trixie can ever be installed
as a binary package. Mirrors are never hard-coded: each entry of the machine's
own Debian sources (deb822 `*.sources` files and one-line `sources.list`
files) whose suite belongs to this machine's release is mapped to the same URI
with the matching trixie suite (bookworm -> trixie, bookworm-updates ->
trixie-updates, bookworm-security -> trixie-security).

Usage: trixie_sources.py CODENAME [APT_ETC]   (APT_ETC defaults to /etc/apt)
"""

from __future__ import annotations

import pathlib
import sys

TARGET = "trixie"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


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
        if not path.name.startswith("aws_env-"):
            entries += deb822_entries(path.read_text(errors="replace"))
    return entries


def trixie_suite(suite: str, codename: str) -> str | None:
    """The trixie suite matching one of this release's suites, else None."""
    if suite == codename:
        return TARGET
    if suite.startswith(codename + "-"):
        return TARGET + suite[len(codename):]
    if suite == codename + "/updates":  # the security suite's pre-bullseye name
        return TARGET + "-security"
    return None


def trixie_stanzas(entries: list[dict[str, str]], codename: str) -> list[str]:
    by_uri: dict[str, list[str]] = {}
    for entry in entries:
        if entry.get("enabled", "yes").lower() == "no":
            continue
        for uri in entry.get("uris", "").split():
            for suite in entry.get("suites", "").split():
                mapped = trixie_suite(suite, codename)
                if mapped and "main" in entry.get("components", "").split():
                    suites = by_uri.setdefault(uri, [])
                    if mapped not in suites:
                        suites.append(mapped)
    return [
        f"Types: deb-src\nURIs: {uri}\nSuites: {' '.join(suites)}\n"
        f"Components: main\nSigned-By: {KEYRING}\n"
        for uri, suites in by_uri.items()
    ]


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    codename = sys.argv[1]
    apt_etc = pathlib.Path(sys.argv[2] if len(sys.argv) == 3 else "/etc/apt")
    stanzas = trixie_stanzas(machine_entries(apt_etc), codename)
    if not stanzas:
        print(f"trixie_sources.py: no Debian '{codename}' entry with component main "
              f"in {apt_etc}/sources.list*", file=sys.stderr)
        return 1
    print("# Written by aws_env's compat/build-php: Debian 13 source packages only,\n"
          "# from the mirrors of this machine's own Debian sources.")
    print("\n".join(stanzas), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
