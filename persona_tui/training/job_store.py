"""The workspace's record of fine-tuning jobs: the jobs row, its metrics and its events.

The monitor, the CLI and the Train tab all read jobs from here, so a job launched in one
session is found and resumed in the next.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson

from persona_tui.workspace import Workspace

# Together's terminal statuses (`together.lib.types.fine_tuning.COMPLETED_STATUSES`), plus
# this app's own 'failed' for a create request that never produced a job.
TERMINAL_STATUSES = frozenset({"completed", "cancelled", "error", "user_error", "failed"})


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(slots=True)
class JobRow:
    id: int
    intent_key: str
    job_id: str | None
    status: str
    model: str
    suffix: str | None
    settings: dict
    train_file_id: str | None
    validation_file_id: str | None
    output_name: str | None
    detail: dict
    created_at: str
    updated_at: str
    sandbox: bool

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


def row_to_job(row: Any) -> JobRow:
    return JobRow(
        id=row["id"], intent_key=row["intent_key"], job_id=row["job_id"], status=row["status"],
        model=row["model"], suffix=row["suffix"], settings=orjson.loads(row["settings"]),
        train_file_id=row["train_file_id"], validation_file_id=row["validation_file_id"],
        output_name=row["output_name"], detail=orjson.loads(row["detail"]) if row["detail"] else {},
        created_at=row["created_at"], updated_at=row["updated_at"], sandbox=bool(row["sandbox"]),
    )


def record_intent(workspace: Workspace, *, model: str, suffix: str | None, settings: dict,
                  train_file_id: str, validation_file_id: str | None, sandbox: bool) -> JobRow:
    """Write the jobs row with status 'creating' before the create request is sent."""
    intent_key = uuid.uuid4().hex
    stamp = now_iso()
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO jobs(intent_key, status, model, suffix, settings, train_file_id, "
            "validation_file_id, created_at, updated_at, sandbox) VALUES (?, 'creating', ?, ?, ?, ?, ?, ?, ?, ?)",
            (intent_key, model, suffix, orjson.dumps(settings).decode(), train_file_id,
             validation_file_id, stamp, stamp, int(sandbox)),
        )
    return job_by_intent(workspace, intent_key)


def job_by_intent(workspace: Workspace, intent_key: str) -> JobRow:
    row = workspace.db.execute("SELECT * FROM jobs WHERE intent_key = ?", (intent_key,)).fetchone()
    return row_to_job(row)


def job_by_id(workspace: Workspace, job_id: str) -> JobRow | None:
    row = workspace.db.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
    return None if row is None else row_to_job(row)


def list_jobs(workspace: Workspace) -> list[JobRow]:
    """Return every job, newest first."""
    rows = workspace.db.execute("SELECT * FROM jobs ORDER BY id DESC").fetchall()
    return [row_to_job(row) for row in rows]


def active_jobs(workspace: Workspace) -> list[JobRow]:
    """Return the jobs that have a Together id and have not reached a terminal status."""
    return [job for job in list_jobs(workspace) if job.job_id and not job.is_terminal]


def known_job_ids(workspace: Workspace) -> set[str]:
    return {row[0] for row in workspace.db.execute("SELECT job_id FROM jobs WHERE job_id IS NOT NULL")}


def attach_job(workspace: Workspace, intent_key: str, job_id: str, status: str, detail: dict) -> None:
    with workspace.transaction() as db:
        db.execute(
            "UPDATE jobs SET job_id = ?, status = ?, detail = ?, updated_at = ? WHERE intent_key = ?",
            (job_id, status, orjson.dumps(detail).decode(), now_iso(), intent_key),
        )


def mark_failed(workspace: Workspace, intent_key: str, reason: str) -> None:
    with workspace.transaction() as db:
        db.execute(
            "UPDATE jobs SET status = 'failed', detail = ?, updated_at = ? WHERE intent_key = ?",
            (orjson.dumps({"error": reason}).decode(), now_iso(), intent_key),
        )


def update_job(workspace: Workspace, job_id: str, status: str, detail: dict, output_name: str | None) -> None:
    with workspace.transaction() as db:
        db.execute(
            "UPDATE jobs SET status = ?, detail = ?, output_name = COALESCE(?, output_name), updated_at = ? WHERE job_id = ?",
            (status, orjson.dumps(detail).decode(), output_name or None, now_iso(), job_id),
        )


@dataclass(frozen=True, slots=True)
class MetricPoint:
    step: int
    kind: str              # 'train' or 'eval'
    loss: float
    epoch: float | None
    learning_rate: float | None


def store_metrics(workspace: Workspace, job_id: str, points: list[MetricPoint]) -> int:
    """Insert metric points, ignoring (step, kind) pairs already stored; return how many were new."""
    if not points:
        return 0
    with workspace.transaction() as db:
        before = db.total_changes
        db.executemany(
            "INSERT OR IGNORE INTO job_metrics(job_id, step, kind, loss, epoch, learning_rate) VALUES (?, ?, ?, ?, ?, ?)",
            [(job_id, point.step, point.kind, point.loss, point.epoch, point.learning_rate) for point in points],
        )
        return db.total_changes - before


def load_metrics(workspace: Workspace, job_id: str) -> list[MetricPoint]:
    rows = workspace.db.execute(
        "SELECT step, kind, loss, epoch, learning_rate FROM job_metrics WHERE job_id = ? ORDER BY step, kind DESC",
        (job_id,),
    ).fetchall()
    return [MetricPoint(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def last_metric_step(workspace: Workspace, job_id: str) -> int:
    row = workspace.db.execute("SELECT MAX(step) FROM job_metrics WHERE job_id = ?", (job_id,)).fetchone()
    return row[0] or 0


@dataclass(frozen=True, slots=True)
class JobEvent:
    created_at: str
    type: str | None
    level: str | None
    message: str


def store_events(workspace: Workspace, job_id: str, events: list[JobEvent]) -> int:
    if not events:
        return 0
    with workspace.transaction() as db:
        before = db.total_changes
        db.executemany(
            "INSERT OR IGNORE INTO job_events(job_id, created_at, type, level, message) VALUES (?, ?, ?, ?, ?)",
            [(job_id, event.created_at, event.type, event.level, event.message) for event in events],
        )
        return db.total_changes - before


def load_events(workspace: Workspace, job_id: str) -> list[JobEvent]:
    rows = workspace.db.execute(
        "SELECT created_at, type, level, message FROM job_events WHERE job_id = ? ORDER BY created_at, rowid",
        (job_id,),
    ).fetchall()
    return [JobEvent(row[0], row[1], row[2], row[3]) for row in rows]
