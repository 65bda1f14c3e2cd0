"""Follow a fine-tuning job: poll its status, metrics and events into the workspace.

Metrics are fetched incrementally with `global_step_from` set to the last stored step
(inclusive, because an eval row can arrive after the train row of the same step) and
deduplicated on (step, kind) by the table's primary key. Rate limits, server errors and
dropped connections do not stop the monitor: it backs off, reports what happened, and
resumes from what the workspace contains, also after the app restarts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from persona_tui.training import job_store
from persona_tui.training.job_store import JobEvent, MetricPoint
from persona_tui.training.retry import describe_error, is_retryable, retry_delay

log = logging.getLogger(__name__)

POLL_SECONDS = 30.0


@dataclass(slots=True)
class PollResult:
    job_id: str
    status: str
    new_metrics: int = 0
    new_events: int = 0
    job_changed: bool = False           # the job's status or detail differs from the stored one
    terminal: bool = False
    note: str | None = None             # what went wrong in this poll, for the user
    retry_in: float | None = None       # seconds until the next try after a failure

    @property
    def changed(self) -> bool:
        """True when the poll stored anything new, so views need a redraw."""
        return self.new_metrics > 0 or self.new_events > 0 or self.job_changed or self.note is not None


def metric_points(rows: list[dict]) -> list[MetricPoint]:
    """Convert Together's metric rows (train and eval rows separate, numbers as floats)."""
    points = []
    for row in rows:
        step = row.get("train/global_step")
        if step is None:
            continue
        epoch = row.get("train/epoch")
        if "train/loss" in row:
            points.append(MetricPoint(int(step), "train", float(row["train/loss"]), epoch, row.get("train/learning_rate")))
        if "eval/loss" in row:
            points.append(MetricPoint(int(step), "eval", float(row["eval/loss"]), epoch, None))
    return points


def event_records(events: list[Any]) -> list[JobEvent]:
    records = []
    for event in events:
        created = getattr(event, "created_at", None)
        message = getattr(event, "message", None)
        if created is None or not message:
            continue
        created_text = created.isoformat() if hasattr(created, "isoformat") else str(created)
        records.append(JobEvent(created_text, getattr(event, "type", None), getattr(event, "level", None), message))
    return records


class JobMonitor:
    """Poll one job into the workspace. The client should be built with `max_retries=0` so
    that every retry happens here, where it is logged and reported."""

    def __init__(self, workspace: Any, client: Any, job_id: str, *, retry_base_seconds: float = 2.0) -> None:
        self.workspace = workspace
        self.client = client
        self.job_id = job_id
        self.retry_base_seconds = retry_base_seconds
        self.failures = 0

    def poll_once(self) -> PollResult:
        """Fetch the job, its new metrics and its events once and store them."""
        import together

        row = job_store.job_by_id(self.workspace, self.job_id)
        status = row.status if row else "unknown"
        try:
            result = self.fetch_and_store()
        except together.APIError as error:
            if not is_retryable(error):
                raise
            delay = retry_delay(error, self.failures, self.retry_base_seconds)
            self.failures += 1
            log.warning("polling job %s failed (%s, failure %d); retrying in %.1f s",
                        self.job_id, describe_error(error), self.failures, delay)
            return PollResult(self.job_id, status, note=f"{describe_error(error)}; retrying in {delay:.0f} s", retry_in=delay)

        if self.failures:
            log.info("polling job %s works again after %d failures", self.job_id, self.failures)
        self.failures = 0
        return result

    def fetch_and_store(self) -> PollResult:
        job = self.client.fine_tuning.retrieve(self.job_id)
        since = job_store.last_metric_step(self.workspace, self.job_id)
        metrics = self.client.fine_tuning.list_metrics(self.job_id, global_step_from=since)
        events = self.client.fine_tuning.list_events(self.job_id).data

        status = job.status or "unknown"
        detail = job.model_dump(mode="json", exclude_none=True, warnings=False)
        detail.pop("events", None)
        terminal = status in job_store.TERMINAL_STATUSES
        if terminal:
            checkpoints = self.client.fine_tuning.list_checkpoints(self.job_id).data
            detail["checkpoints"] = [checkpoint.model_dump(mode="json", exclude_none=True, warnings=False) for checkpoint in checkpoints]

        # The job can move on between the retrieve above and the metrics request, so a poll
        # may store metrics ahead of the job's progress. The next poll then brings only newer
        # progress, which still needs a redraw.
        stored = job_store.job_by_id(self.workspace, self.job_id)
        job_changed = stored is None or stored.status != status or stored.detail != detail
        output_name = detail.get("model_output_name") or detail.get("x_model_output_name")
        job_store.update_job(self.workspace, self.job_id, status, detail, output_name)
        new_metrics = job_store.store_metrics(self.workspace, self.job_id, metric_points(list(metrics.metrics or [])))
        new_events = job_store.store_events(self.workspace, self.job_id, event_records(events))
        if terminal:
            log.info("job %s reached %s", self.job_id, status)
        return PollResult(self.job_id, status, new_metrics, new_events, job_changed, terminal)

    def run(self, *, interval: float = POLL_SECONDS, stop: threading.Event | None = None,
            on_update: Callable[[PollResult], None] | None = None) -> PollResult:
        """Poll until the job ends or `stop` is set; call `on_update` after every poll."""
        stop = stop or threading.Event()
        log.info("monitoring job %s every %.1f s", self.job_id, interval)
        result = PollResult(self.job_id, "unknown")
        while not stop.is_set():
            result = self.poll_once()
            if on_update is not None:
                on_update(result)
            if result.terminal:
                break
            stop.wait(result.retry_in if result.retry_in is not None else interval)
        log.info("stopped monitoring job %s (status %s)", self.job_id, result.status)
        return result


def cancel_job(client: Any, workspace: Any, job_id: str) -> str:
    """Ask Together to cancel the job; return the status it reports."""
    job = client.fine_tuning.cancel(job_id)
    status = job.status or "cancel_requested"
    row = job_store.job_by_id(workspace, job_id)
    detail = row.detail if row else {}
    job_store.update_job(workspace, job_id, status, detail, None)
    log.info("cancel requested for job %s (status %s)", job_id, status)
    return status
