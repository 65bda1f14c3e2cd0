"""Sandbox route for downloading a fine-tuning job's weights, with HTTP Range resume.

The body is deterministic, so tests can rebuild it by hand: the text
"<ft_id>:<checkpoint>\n" repeated and cut to `state.data["downloads"]["size"]` bytes
(DEFAULT_SIZE unless a test sets it). Setting `drop_after` to a byte count makes the
next download close the connection after sending that many bytes, as a flaky network
would; the fault is used once. Setting `chunk_delay_seconds` sends the body in
CHUNK_SIZE pieces with that pause before each, so a test can cancel a download midway.
"""

from __future__ import annotations

import re
import time
from typing import Any

from persona_tui.sandbox.server import Request, Response, SandboxState, error_response, route

DEFAULT_SIZE = 256 * 1024
CHUNK_SIZE = 16 * 1024


def download_state(state: SandboxState) -> dict[str, Any]:
    return state.data.setdefault("downloads", {"size": DEFAULT_SIZE, "drop_after": None, "chunk_delay_seconds": 0.0})


def archive_bytes(ft_id: str, checkpoint: str, size: int) -> bytes:
    unit = f"{ft_id}:{checkpoint}\n".encode()
    return (unit * (size // len(unit) + 1))[:size]


class DroppedConnection(Exception):
    """Raised inside a streamed body to cut the connection mid-transfer."""


def dropping_body(data: bytes, drop_after: int):
    sent = 0
    while sent < drop_after:
        piece = data[sent:min(sent + CHUNK_SIZE, drop_after)]
        sent += len(piece)
        yield piece
    raise DroppedConnection(f"sandbox dropped the download after {drop_after} bytes")


def paced_body(data: bytes, delay_seconds: float):
    for start in range(0, len(data), CHUNK_SIZE):
        time.sleep(delay_seconds)
        yield data[start:start + CHUNK_SIZE]


@route("GET", r"/v1/finetune/download")
def download_weights(state: SandboxState, request: Request) -> Response:
    ft_id = request.query.get("ft_id", "")
    if not ft_id.startswith("ft-"):
        return error_response(400, f"ft_id must start with 'ft-', got {ft_id!r}")
    checkpoint = request.query.get("checkpoint") or "merged"
    if checkpoint not in ("merged", "adapter", "model_output_path"):
        return error_response(400, f"checkpoint must be merged or adapter, got {checkpoint!r}")

    with state.lock:
        settings = download_state(state)
        drop_after = settings["drop_after"]
        settings["drop_after"] = None
        delay_seconds = settings.get("chunk_delay_seconds") or 0.0
        data = archive_bytes(ft_id, checkpoint, settings["size"])

    start = 0
    match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("range", ""))
    if match:
        start = int(match.group(1))
        if start >= len(data):
            return Response(416, b"", {"Content-Range": f"bytes */{len(data)}"})

    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": f'attachment; filename="{ft_id}-{checkpoint}.tar.zst"',
        "Accept-Ranges": "bytes",
    }
    status = 200
    if start:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
    body = data[start:]

    if drop_after is not None and drop_after < len(body):
        return Response(status, dropping_body(body, drop_after), headers)
    if delay_seconds:
        return Response(status, paced_body(body, delay_seconds), headers)
    return Response(status, body, headers)
