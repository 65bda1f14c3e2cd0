"""A loopback HTTP server that speaks the part of Together AI's API persona-tui uses.

The real `together` SDK talks to it with `base_url=server.base_url` (the host root, no
`/v1`), so tests and `persona-tui demo` exercise the same code paths as a real account.
Routes live in sibling modules (files, fine_tunes, models, chat, endpoints), each
registering handlers with `@route`. Faults can be queued to test retries and recovery.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Request:
    method: str
    path: str
    params: dict[str, str]           # path parameters from the route pattern
    query: dict[str, str]
    headers: dict[str, str]          # lower-case names
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body) if self.body else None


@dataclass(slots=True)
class Response:
    status: int = 200
    body: Any = None                 # JSON-able, bytes, or an iterable of bytes (streamed)
    headers: dict[str, str] = field(default_factory=dict)


def error_response(status: int, message: str, type_: str = "invalid_request_error") -> Response:
    """Return an error in Together's `{"error": {...}}` shape."""
    return Response(status, {"error": {"message": message, "type": type_, "param": None, "code": None}})


Handler = Callable[["SandboxState", Request], Response]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register a handler for `method` on paths matching `pattern` (fully)."""
    def decorator(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(pattern), handler))
        return handler
    return decorator


@dataclass(slots=True)
class Fault:
    """A failure to inject into the next `times` requests matching method and path.

    kind: 'rate_limit' (429 with retry-after-ms), 'server_error' (500), 'drop' (close the
    connection without a reply).
    """

    method: str
    path_pattern: str
    kind: str
    times: int = 1
    retry_after_ms: int = 10


class SandboxState:
    """Everything the simulated account holds. Route modules keep their data in `data`."""

    def __init__(self, *, speed: float = 1.0) -> None:
        self.lock = threading.RLock()
        self.speed = speed                  # simulated seconds per real second
        self.data: dict[str, Any] = {}
        self.faults: list[Fault] = []
        self.request_log: list[tuple[str, str]] = []   # (method, path) of every request
        self.base_url = ""

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and re.fullmatch(fault.path_pattern, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sandbox: " + format, *args)

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_PUT(self) -> None:
        self.dispatch("PUT")

    def do_DELETE(self) -> None:
        self.dispatch("DELETE")

    def do_PATCH(self) -> None:
        self.dispatch("PATCH")

    def dispatch(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with state.lock:
            state.request_log.append((method, parts.path))

        fault = state.take_fault(method, parts.path)
        if fault is not None:
            log.info("sandbox: injecting %s into %s %s", fault.kind, method, parts.path)
            if fault.kind == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if fault.kind == "rate_limit":
                response = error_response(429, "You have been rate limited (simulated).", "rate_limit")
                response.headers["retry-after-ms"] = str(fault.retry_after_ms)
            else:
                response = error_response(500, "Internal server error (simulated).", "server_error")
            self.send(response)
            return

        request = Request(
            method=method,
            path=parts.path,
            params={},
            query={key: values[-1] for key, values in parse_qs(parts.query).items()},
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        for route_method, pattern, handler in ROUTES:
            match = pattern.fullmatch(parts.path)
            if route_method == method and match:
                request.params = match.groupdict()
                try:
                    response = handler(state, request)
                except Exception:
                    log.exception("sandbox handler for %s %s failed", method, parts.path)
                    response = error_response(500, "Sandbox handler failed; see the log.", "server_error")
                self.send(response)
                return
        self.send(error_response(404, f"No sandbox route for {method} {parts.path}", "not_found"))

    def send(self, response: Response) -> None:
        body = response.body
        streamed = body is not None and not isinstance(body, (bytes, dict, list, str, int, float))
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)

        if streamed:
            if "Content-Type" not in response.headers:
                self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in body:  # type: ignore[union-attr]
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return

        if isinstance(body, bytes):
            data = body
        elif body is None:
            data = b""
        else:
            data = orjson.dumps(body)
            if "Content-Type" not in response.headers:
                self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: SandboxState


class SandboxServer:
    """The sandbox on 127.0.0.1 and a free port, serving from a daemon thread."""

    def __init__(self, *, speed: float = 1.0, port: int = 0) -> None:
        # Importing the route modules registers their handlers.
        from persona_tui.sandbox import routes  # noqa: F401

        self.state = SandboxState(speed=speed)
        self._server = _Server(("127.0.0.1", port), _RequestHandler)
        self._server.state = self.state
        self.state.base_url = self.base_url
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def inject(self, method: str, path_pattern: str, kind: str, times: int = 1, retry_after_ms: int = 10) -> None:
        with self.state.lock:
            self.state.faults.append(Fault(method, path_pattern, kind, times, retry_after_ms))

    def requests_to(self, method: str, pattern: str) -> list[str]:
        with self.state.lock:
            return [path for m, path in self.state.request_log if m == method and re.fullmatch(pattern, path)]

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="together-sandbox", daemon=True)
        self._thread.start()
        log.info("Together sandbox listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        log.info("Together sandbox stopped")

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def iter_sse(events: Iterable[Any]) -> Iterable[bytes]:
    """Encode JSON-able events as server-sent events ending with `data: [DONE]`."""
    for event in events:
        yield b"data: " + orjson.dumps(event) + b"\n\n"
    yield b"data: [DONE]\n\n"
