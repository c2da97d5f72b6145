"""A tiny local HTTP server that answers with canned responses, for the adapter paths the
simulator never takes (shapes the real APIs produce but the simulator does not)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    raw_query: str = ""


@dataclass
class Canned:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, bytes | str):
            data = self.body.encode() if isinstance(self.body, str) else self.body
        elif self.body is None:
            data = b""
        else:
            data = json.dumps(self.body).encode()
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        return data, headers


class CannedServer:
    """Answers `(method, path)` with the queued responses in order (the last one repeats) and
    404 otherwise; records every request in `seen`."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Canned]] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Buffer the answer so headers and body leave in one segment; written separately,
            # Nagle's algorithm and delayed ACKs hold every response back by ~40 ms.
            wbufsize = 64 * 1024

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                server.seen.append(
                    Seen(
                        self.command,
                        parts.path,
                        query,
                        dict(self.headers.items()),
                        body,
                        parts.query,
                    )
                )
                queue = server.routes.get((self.command, parts.path))
                canned = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else None
                canned = canned or Canned(404, {"error": "no canned answer"})
                data, headers = canned.encoded()
                self.send_response(canned.status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT = do_DELETE = do_GET

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, method: str, path: str, *responses: Canned) -> None:
        self.routes[(method, path)] = list(responses)

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]

    def __enter__(self) -> CannedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
