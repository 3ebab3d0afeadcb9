"""GET one URL several times, one connection each (one after the other, or
several at once), and print the responses
as JSON ([{"status": ..., "body": ...}, ...]) on stdout. Run by the Apache
suite inside the network namespace Apache listens in (`ip netns exec`).

Connections refused are retried until --timeout: Apache's children may still
be starting. It prints nothing else, so the bodies (which may hold the
tests' fixture values) go only to the test that reads them.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import sys
import time
import urllib.parse


def get(url: str, deadline: float) -> dict:
    parts = urllib.parse.urlsplit(url)
    while True:
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80,
                                                timeout=max(1.0, deadline - time.monotonic()))
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            return {"status": response.status,
                    "body": response.read().decode("utf-8", errors="replace")}
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        finally:
            connection.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--parallel", type=int, default=1,
                        help="requests in flight at once (default: one after the other)")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.parallel) as pool:
        responses = list(pool.map(lambda _: get(args.url, deadline), range(args.count)))
    json.dump(responses, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
