"""Upload a dataset file to Together and wait for its server-side validation.

A file already uploaded with the same SHA-256 to the same API and validated there is
reused, so relaunching with an unchanged dataset uploads nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from persona_tui.training.job_store import now_iso
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# (file name, bytes sent, total bytes)
ProgressCallback = Callable[[str, int, int], None]

VALIDATION_POLL_SECONDS = 2.0
VALIDATION_TIMEOUT_SECONDS = 600.0


class DatasetRejectedError(Exception):
    """Together's validation rejected a file; `report` is its validation report."""

    def __init__(self, message: str, report: dict | None) -> None:
        super().__init__(message)
        self.report = report or {}


@dataclass(frozen=True, slots=True)
class UploadedFile:
    path: Path
    file_id: str
    reused: bool


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def base_url_key(workspace: Workspace) -> str:
    return workspace.get_setting("together_base_url") or ""


def cached_file_id(workspace: Workspace, sha256: str) -> str | None:
    row = workspace.db.execute(
        "SELECT file_id FROM uploaded_files WHERE sha256 = ? AND base_url = ? AND processing_status = 'COMPLETED'",
        (sha256, base_url_key(workspace)),
    ).fetchone()
    return None if row is None else row[0]


def remember_file(workspace: Workspace, sha256: str, file_id: str, status: str) -> None:
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO uploaded_files(sha256, base_url, file_id, processing_status, uploaded_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(sha256, base_url) DO UPDATE SET file_id = excluded.file_id, "
            "processing_status = excluded.processing_status, uploaded_at = excluded.uploaded_at",
            (sha256, base_url_key(workspace), file_id, status, now_iso()),
        )


def still_valid_remotely(client: Any, file_id: str) -> bool:
    import together

    try:
        return client.files.retrieve(file_id).processing_status == "COMPLETED"
    except together.APIError as error:
        log.info("cached file %s is no longer usable (%s); uploading again", file_id, type(error).__name__)
        return False


def upload_file(client: Any, workspace: Workspace, path: Path, progress: ProgressCallback | None = None) -> UploadedFile:
    """Upload `path` (or reuse its earlier upload) and return its Together file id."""
    sha256 = file_sha256(path)
    total = path.stat().st_size
    cached = cached_file_id(workspace, sha256)
    if cached and still_valid_remotely(client, cached):
        log.info("reusing uploaded file %s for %s", cached, path.name)
        if progress:
            progress(path.name, total, total)
        return UploadedFile(path, cached, reused=True)

    def on_progress(event: Any) -> None:
        if progress:
            progress(path.name, event.uploaded_bytes, event.total_bytes)

    log.info("uploading %s (%d bytes)", path.name, total)
    response = client.files.upload(path, purpose="fine-tune", progress_callback=on_progress)
    remember_file(workspace, sha256, response.id, response.processing_status or "PENDING")
    log.info("uploaded %s as %s", path.name, response.id)
    return UploadedFile(path, response.id, reused=False)


def wait_for_validation(client: Any, workspace: Workspace, uploaded: UploadedFile, *,
                        poll_seconds: float = VALIDATION_POLL_SECONDS,
                        timeout_seconds: float = VALIDATION_TIMEOUT_SECONDS) -> None:
    """Poll the file until Together's validation ends; raise DatasetRejectedError when it fails."""
    deadline = time.monotonic() + timeout_seconds
    sha256 = file_sha256(uploaded.path)
    while True:
        file = client.files.retrieve(uploaded.file_id)
        status = file.processing_status
        if status == "COMPLETED":
            remember_file(workspace, sha256, uploaded.file_id, status)
            return
        if status in ("INVALID_FORMAT", "FAILED"):
            remember_file(workspace, sha256, uploaded.file_id, status)
            report = file.validation_report if isinstance(file.validation_report, dict) else (
                file.validation_report.model_dump() if file.validation_report is not None else {}
            )
            detail = report.get("error") or "no detail in the validation report"
            log.warning("Together rejected %s (%s): %s", uploaded.path.name, uploaded.file_id, status)
            raise DatasetRejectedError(
                f"Together rejected {uploaded.path.name} ({status}): {detail}. "
                "Fix the line in the dataset (re-export it after review) and launch again.",
                report,
            )
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"Together's validation of {uploaded.path.name} ({uploaded.file_id}) did not finish in "
                f"{timeout_seconds:.0f} s; its status is {status}. Launch again later to reuse the upload."
            )
        time.sleep(poll_seconds)
