"""Loopback servers for the chat tests: the Together sandbox and an OpenAI-compatible stand-in."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from persona_tui.sandbox.server import SandboxServer


@pytest.fixture
def sandbox():
    # 1000 simulated seconds per real second: an endpoint is STARTED after 60 ms.
    with SandboxServer(speed=1000) as server:
        yield server


class OpenAIStandIn:
    """A small OpenAI-compatible chat server, like a local vLLM or llama.cpp server.

    It answers every request with `reply`, streamed in `chunks` when asked to stream.
    Set `status` and `error_body` to answer with an error instead. Requests are kept.
    """

    def __init__(self) -> None:
        self.reply_chunks = ["yo\n", "what's ", "up"]
        self.status = 200
        self.error_body: object = None
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                standin.requests.append(body)
                standin.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    return self.reply(404, {"detail": "Not Found"})
                if standin.status != 200:
                    return self.reply(standin.status, standin.error_body)
                if body.get("stream"):
                    return self.stream(body["model"])
                return self.reply(200, {"choices": [{"index": 0, "message": {
                    "role": "assistant", "content": "".join(standin.reply_chunks)}, "finish_reason": "stop"}]})

            def reply(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def stream(self, model):
                events = [{"choices": [{"index": 0, "delta": {"content": piece}}], "model": model}
                          for piece in standin.reply_chunks]
                data = b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)
                data += b"data: [DONE]\n\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        self.base_url = f"http://{host}:{port}/v1"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def openai_server():
    with OpenAIStandIn() as server:
        yield server
