"""Sandbox routes for files: the SDK's three-step presigned upload, retrieve, list, delete.

The upload is the one `together` 3.1.1 performs for files up to 5 GiB. `POST /v1/files`
with text fields only returns 302 with `Location` and `X-Together-File-Id`. The SDK PUTs
the bytes to that location (which must return exactly 200) and then calls
`POST /v1/files/{id}/preprocess`. Validation runs the same conversational rules as
`pipeline/together_format.py`, so a bad line really ends in INVALID_FORMAT.
"""

from __future__ import annotations

import logging
import time
import uuid
from email.parser import BytesParser
from email.policy import default as default_policy

import orjson

from persona_tui.pipeline.together_format import format_errors
from persona_tui.sandbox.server import Request, Response, SandboxState, error_response, route

log = logging.getLogger(__name__)

# Retrieves that still return RUNNING after preprocess, so clients must poll.
PROCESSING_POLLS = 1



def files_state(state: SandboxState) -> dict:
    with state.lock:
        return state.data.setdefault("files", {"files": {}, "invalid_next_file": None})


def force_invalid_next_file(state: SandboxState, error: str) -> None:
    """Make the next preprocessed file fail validation with `error`, whatever it contains."""
    with state.lock:
        files_state(state)["invalid_next_file"] = error


def multipart_fields(request: Request) -> dict[str, str]:
    """Return the text fields of a multipart/form-data body."""
    header = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
    message = BytesParser(policy=default_policy).parsebytes(header + request.body)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = part.get_content().strip() if part.get_content_maintype() == "text" else ""
    return fields


def count_tokens(line: dict) -> int:
    """Count a line's tokens the way the sandbox bills them: (characters + 3) // 4 per message."""
    return sum((len(message.get("content", "")) + 3) // 4 for message in line.get("messages", []))


def validate_content(file_id: str, content: bytes) -> tuple[dict, int, int]:
    """Return (validation report, line count, token count) for an uploaded JSONL file."""
    report = {
        "valid": True, "dataset_format": "conversation", "nlines": 0, "error": None,
        "error_type": None, "file_id": file_id, "dataset_has_message_weights": False,
        "dataset_has_sample_weights": False, "dataset_has_tools": False,
        "dataset_has_reasoning": False, "dataset_is_multimodal": False,
        "dataset_has_parallel_tool_calls": False,
    }
    lines = 0
    tokens = 0
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        report.update(valid=False, error="The file is not valid UTF-8", error_type="INVALID_FORMAT")
        return report, 0, 0

    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            errors = ["the line is not valid JSON"]
        else:
            errors = format_errors(line)
        if errors:
            report.update(valid=False, error=f"Line {number}: {errors[0]}", error_type="INVALID_FORMAT")
            return report, lines, tokens
        lines += 1
        tokens += count_tokens(line)

    if lines == 0:
        report.update(valid=False, error="The file has no samples", error_type="INVALID_FORMAT")
    report["nlines"] = lines
    return report, lines, tokens


def file_json(record: dict) -> dict:
    return {
        "id": record["id"], "object": "file", "bytes": record["bytes"],
        "created_at": record["created_at"], "filename": record["filename"],
        "FileType": record["file_type"], "purpose": record["purpose"],
        "processing_status": record["processing_status"],
        "validation_report": record.get("validation_report"),
    }


@route("POST", r"/v1/files")
def create_upload(state: SandboxState, request: Request) -> Response:
    fields = multipart_fields(request)
    missing = [name for name in ("purpose", "file_name", "file_type", "checksum") if name not in fields]
    if missing:
        return error_response(400, f"Missing multipart fields {missing}")

    file_id = f"file-{uuid.uuid4()}"
    record = {
        "id": file_id, "filename": fields["file_name"], "purpose": fields["purpose"],
        "file_type": fields["file_type"], "checksum": fields["checksum"], "bytes": 0,
        "created_at": int(time.time()), "content": None, "processing_status": "PENDING",
        "validation_report": None, "polls_left": PROCESSING_POLLS, "nlines": 0, "tokens": 0,
    }
    with state.lock:
        files_state(state)["files"][file_id] = record
    log.info("sandbox: upload slot %s for %s", file_id, fields["file_name"])
    return Response(302, None, {"Location": f"{state.base_url}/sandbox/uploads/{file_id}", "X-Together-File-Id": file_id})


@route("PUT", r"/sandbox/uploads/(?P<file_id>[^/]+)")
def receive_upload(state: SandboxState, request: Request) -> Response:
    with state.lock:
        record = files_state(state)["files"].get(request.params["file_id"])
        if record is None:
            return error_response(404, "Unknown upload URL")
        record["content"] = request.body
        record["bytes"] = len(request.body)
    return Response(200, b"")


@route("POST", r"/v1/files/(?P<file_id>[^/]+)/preprocess")
def preprocess(state: SandboxState, request: Request) -> Response:
    with state.lock:
        data = files_state(state)
        record = data["files"].get(request.params["file_id"])
        if record is None:
            return error_response(404, f"File {request.params['file_id']} not found")
        if record["content"] is None:
            return error_response(400, f"File {record['id']} has no uploaded content")

        report, lines, tokens = validate_content(record["id"], record["content"])
        if data["invalid_next_file"]:
            report.update(valid=False, error=data["invalid_next_file"], error_type="INVALID_FORMAT")
            data["invalid_next_file"] = None
        record.update(validation_report=report, nlines=lines, tokens=tokens, processing_status="RUNNING")
        record["final_status"] = "COMPLETED" if report["valid"] else "INVALID_FORMAT"
        return Response(200, file_json(record))


def advance_processing(record: dict) -> None:
    if record["processing_status"] != "RUNNING":
        return
    if record["polls_left"] > 0:
        record["polls_left"] -= 1
        return
    record["processing_status"] = record["final_status"]


@route("GET", r"/v1/files/(?P<file_id>[^/]+)")
def retrieve_file(state: SandboxState, request: Request) -> Response:
    with state.lock:
        record = files_state(state)["files"].get(request.params["file_id"])
        if record is None:
            return error_response(404, f"File {request.params['file_id']} not found")
        advance_processing(record)
        return Response(200, file_json(record))


@route("GET", r"/v1/files")
def list_files(state: SandboxState, request: Request) -> Response:
    with state.lock:
        return Response(200, {"data": [file_json(record) for record in files_state(state)["files"].values()]})


@route("DELETE", r"/v1/files/(?P<file_id>[^/]+)")
def delete_file(state: SandboxState, request: Request) -> Response:
    with state.lock:
        record = files_state(state)["files"].pop(request.params["file_id"], None)
    if record is None:
        return error_response(404, f"File {request.params['file_id']} not found")
    return Response(200, {"id": record["id"], "deleted": True})
