"""The simulator's HTTP server: a threaded standard-library server that routes each request to
the control API or to one of the imitated platform APIs, by path, as the real hosts would see it:

  /{vNN.N}/…      Facebook and Instagram Graph API   (base URL = the simulator's URL)
  /rest/…         LinkedIn REST                      (base URL = the simulator's URL)
  /2/…            X API v2                           (base URL = the simulator's URL)
  /youtube/v3/…   YouTube Data API v3                (base URL = the simulator's URL)
  OAuth doors     the providers' consent pages and token endpoints at their own paths
                  (simulator.platforms.oauth)
  /_sim/…         control API (simulator.control)

`start_simulator()` runs it on a background thread for tests and returns a handle.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from .control import ControlAPI
from .demo import DemoStream, populate_default_world
from .platforms.graph import GRAPH_VERSION, GraphAPI
from .platforms.linkedin import LinkedInAPI
from .platforms.oauth import OAuthAPI
from .platforms.x import XAPI
from .platforms.youtube import YouTubeAPI
from .state import World
from .wire import Request, Response, json_response

logger = logging.getLogger("simulator")

MAX_BODY_BYTES = 5 * 1024 * 1024


class Router:
    """Picks the API that serves a path."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.control = ControlAPI(world)
        self.graph = GraphAPI(world)
        self.linkedin = LinkedInAPI(world)
        self.x = XAPI(world)
        self.youtube = YouTubeAPI(world)
        self.oauth = OAuthAPI(world, self.linkedin)

    def dispatch(self, request: Request) -> Response:
        segments = request.segments
        if not segments:
            return json_response(
                200,
                {
                    "simulator": "platform simulator",
                    "apis": ["/{version}/ (Graph)", "/rest/", "/2/", "/youtube/v3/", "/_sim/"],
                },
            )
        head = segments[0]
        if head == "_sim":
            return self.control.handle(request)
        self.world.log_request(
            request.method, request.path, request.query_string, request.header("Authorization")
        )
        # The providers' consent pages and token endpoints, and what a person's token reaches.
        if self.oauth.handles(request):
            return self.oauth.handle(request)
        # X's "/2/" comes before Graph's unversioned numeric node ids.
        if head == "2":
            return self.x.handle(request)
        if GRAPH_VERSION.fullmatch(head) or head.isdigit() or head == "me":
            return self.graph.handle(request)
        if head in ("rest", "dms-uploads"):
            return self.linkedin.handle(request)
        if segments[:2] == ["youtube", "v3"]:
            return self.youtube.handle(request)
        return json_response(404, {"error": f"no simulated API at {request.path}"})


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], world: World) -> None:
        self.world = world
        self.router = Router(world)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, SimulatorRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """End kept-alive connections, so a stopped simulator really stops answering."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (for instance after its own timeout) is normal here.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class SimulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle's algorithm on, keep-alive
    # clients wait for the delayed ACK (~40 ms) on every response.
    disable_nagle_algorithm = True
    server_version = "PlatformSimulator/1.0"
    sys_version = ""
    # An idle kept-alive connection is closed after this many seconds.
    timeout = 30
    server: SimulatorHTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise ValueError("request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError("request body too large or of negative length")
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError as exc:
            self.close_connection = True
            self._send(json_response(400, {"error": f"unreadable request body: {exc}"}))
            return
        parts = urlsplit(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = Request(
            method=self.command,
            path=parts.path,
            query_string=parts.query,
            headers=self.headers,
            body=body,
            base_url=f"http://{host}",
        )
        try:
            response = self.server.router.dispatch(request)
        except Exception:
            logger.exception("the simulator failed on %s %s", self.command, parts.path)
            response = json_response(500, {"error": "the simulator failed on this request"})
        if response.delay > 0 and self.server.world.stop_event.wait(response.delay):
            self.close_connection = True
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if response.status not in (204, 304):
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.status not in (204, 304) and self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.world.config.get("request_log"):
            super().log_message(format, *args)


@dataclass
class SimulatorHandle:
    """A running simulator: `url` to call, `state` (the World) to inspect, `stop()` to end it."""

    url: str
    state: World
    server: SimulatorHTTPServer
    thread: threading.Thread
    demo: DemoStream | None = None

    def stop(self) -> None:
        if self.demo is not None:
            self.demo.stop()
        self.state.stop_event.set()
        self.server.shutdown()
        self.server.close_open_connections()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_simulator(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    config: dict[str, Any] | None = None,
    seed: int = 0,
    demo_world: bool = True,
    demo_stream: bool = False,
    request_log: bool = False,
) -> SimulatorHandle:
    """Serve the simulator on a background thread (port 0 picks a free port).

    `demo_world` loads the demo municipality's accounts after every reset; `demo_stream` also
    starts the seeded flow of citizen activity. `config` sets the values POST /_sim/config
    changes, and reset returns to them.
    """
    world = World(
        {**(config or {}), "request_log": request_log},
        populate=populate_default_world if demo_world else None,
        seed=seed,
    )
    server = SimulatorHTTPServer((host, port), world)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name="platform-simulator",
        daemon=True,
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    shown_host = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    handle = SimulatorHandle(f"http://{shown_host}:{bound_port}", world, server, thread)
    if demo_stream:
        handle.demo = DemoStream(world, seed=seed).start()
    return handle
