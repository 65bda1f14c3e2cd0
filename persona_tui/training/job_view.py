"""The monitor's view of a job, computed from the workspace alone: the curves, progress,
ETA, price so far, events and the early-stopping hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from persona_tui.training import job_store
from persona_tui.training.job_store import JobEvent, JobRow

# Evaluations without a new best validation loss before the hint speaks up.
HINT_PATIENCE = 2


@dataclass(slots=True)
class JobView:
    job: JobRow
    train: list[tuple[int, float]] = field(default_factory=list)
    validation: list[tuple[int, float]] = field(default_factory=list)
    events: list[JobEvent] = field(default_factory=list)
    steps_completed: int = 0
    total_steps: int | None = None
    epochs_completed: float | None = None
    eta_seconds: float | None = None
    price_so_far: float | None = None
    hint: str | None = None
    checkpoints: list[dict] = field(default_factory=list)

    @property
    def progress_text(self) -> str:
        total = self.total_steps or "?"
        text = f"step {self.steps_completed}/{total}"
        if self.epochs_completed is not None:
            text += f" · epoch {self.epochs_completed:g}"
        if self.eta_seconds is not None and not self.job.is_terminal:
            text += f" · ETA {format_duration(self.eta_seconds)}"
        return text


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def estimate_eta(detail: dict, steps_completed: int, total_steps: int | None, now: datetime | None = None) -> float | None:
    """Return the seconds left: Together's own estimate when it gives one, otherwise the
    time per step so far times the steps left."""
    progress = detail.get("progress") or {}
    if progress.get("estimate_available") and progress.get("seconds_remaining"):
        return float(progress["seconds_remaining"])
    started = detail.get("started_at")
    if not started or not total_steps or steps_completed <= 0:
        return None
    now = now or datetime.now(timezone.utc)
    elapsed = (now - datetime.fromisoformat(str(started).replace("Z", "+00:00"))).total_seconds()
    return max(0.0, elapsed / steps_completed * (total_steps - steps_completed))


def early_stopping_hint(validation: list[tuple[int, float]], detail: dict, patience: int = HINT_PATIENCE) -> str | None:
    """Return the hint about validation loss, or None while it is still improving."""
    if detail.get("early_stopped"):
        best_step = detail.get("early_stopping_best_step")
        best = detail.get("early_stopping_best_metric")
        where = f"; best validation loss {best:.3f} at step {best_step}" if best is not None else ""
        return f"Together's early stopping ended training at step {detail.get('steps_completed')}{where}."
    if len(validation) < patience + 1:
        return None

    best_index = min(range(len(validation)), key=lambda index: validation[index][1])
    stale = len(validation) - 1 - best_index
    if stale < patience:
        return None
    best_step, best_loss = validation[best_index]
    text = (f"Validation loss has not improved for {stale} evaluations since step {best_step} "
            f"({best_loss:.3f}); the model may be overfitting.")
    if detail.get("early_stopping_enabled"):
        return text + " Together's early stopping is on and will stop the job."
    return text + f" Consider cancelling, or train again with fewer epochs (about step {best_step})."


def load_job_view(workspace, job: JobRow) -> JobView:
    view = JobView(job)
    if job.job_id is None:
        return view
    for point in job_store.load_metrics(workspace, job.job_id):
        (view.train if point.kind == "train" else view.validation).append((point.step, point.loss))
    view.events = job_store.load_events(workspace, job.job_id)

    detail = job.detail
    view.steps_completed = int(detail.get("steps_completed") or (view.train[-1][0] if view.train else 0))
    view.total_steps = detail.get("total_steps")
    if detail.get("epochs_completed") is not None:
        view.epochs_completed = detail["epochs_completed"]
    if job.status in ("pending", "queued", "running", "uploading", "compressing"):
        view.eta_seconds = estimate_eta(detail, view.steps_completed, view.total_steps)
    if detail.get("total_price") is not None:
        view.price_so_far = float(detail["total_price"])
    view.hint = early_stopping_hint(view.validation, detail)
    view.checkpoints = detail.get("checkpoints") or []
    return view
