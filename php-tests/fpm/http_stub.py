#!/usr/bin/env python3
"""Tiny HTTP servers run inside the test's private network namespace.

  ecs   stand-in for the ECS container credentials endpoint (169.254.170.2:80):
        answers GET <--path> with the JSON in <--body-file>, 404 otherwise.
        With --authorization-file it stands in for the EKS Pod Identity agent
        (169.254.170.23:80) too: <--path> is answered only when the request's
        Authorization header is that file's content (401 otherwise), and the
        request's log line ends in " authorized" or " unauthorized" (the
        header's value is never logged).
  trap  stand-in for the EC2 instance metadata service (169.254.169.254:80):
        answers 404 to everything; the test asserts it was never contacted.

Both append one line per accepted connection ("CONNECT <peer>") and per request
("<METHOD> <path>") to <--log> and flush at once, so the test can read the log
while the server runs. Once listening they create <--ready>.
"""
import argparse
import http.server
import pathlib
import sys
import threading


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["ecs", "trap"])
    parser.add_argument("--bind", required=True)
    parser.add_argument("--port", type=int, default=80)
    parser.add_argument("--log", required=True, type=pathlib.Path)
    parser.add_argument("--ready", required=True, type=pathlib.Path)
    parser.add_argument("--path", help="ecs: the only path that gets credentials")
    parser.add_argument("--body-file", type=pathlib.Path, help="ecs: JSON to serve")
    parser.add_argument("--authorization-file", type=pathlib.Path,
                        help="ecs: the Authorization header --path requires")
    args = parser.parse_args()

    if args.mode == "ecs" and (args.path is None or args.body_file is None):
        parser.error("ecs mode needs --path and --body-file")
    body = args.body_file.read_bytes() if args.mode == "ecs" else b""
    # SDKs send the token file's content with surrounding whitespace trimmed.
    authorization = (args.authorization_file.read_text().strip()
                     if args.authorization_file is not None else None)

    lock = threading.Lock()
    log = args.log.open("a", buffering=1)

    def record(line: str) -> None:
        with lock:
            log.write(line + "\n")
            log.flush()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            if authorization is None:
                record(f"{self.command} {self.path}")
            else:
                authorized = self.headers.get("Authorization") == authorization
                record(f"{self.command} {self.path} {'authorized' if authorized else 'unauthorized'}")
                if not authorized:
                    self.send_error(401)
                    return
            if args.mode == "ecs" and self.path == args.path:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        do_PUT = do_POST = do_HEAD = do_GET  # IMDSv2 token requests are PUTs

        def log_message(self, *_args) -> None:
            pass  # keep stderr quiet; the request log above is what matters

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def verify_request(self, request, client_address) -> bool:
            # Runs for every accepted connection, even one that never sends a
            # complete request: the trap must notice any contact at all.
            record(f"CONNECT {client_address[0]}")
            return True

    server = Server((args.bind, args.port), Handler)
    args.ready.touch()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
