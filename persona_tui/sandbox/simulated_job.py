"""A simulated fine-tuning job: its timeline, loss curves, events and checkpoints.

Everything is a pure function of the job's settings and the simulated time, so a reply is
the same however often the client polls. The timeline follows Together's documented
status path pending -> queued -> running -> uploading -> completed, with each phase a
fixed number of simulated seconds and one training step every STEP_SECONDS.

Train loss falls along an exponential with a small ripple. Validation loss falls until
about 45% of the steps and then rises slowly, so it "stops improving" the way an
over-trained LoRA does, and Together's early stopping has something to act on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PENDING_SECONDS = 10.0
QUEUED_SECONDS = 20.0
STEP_SECONDS = 10.0
UPLOADING_SECONDS = 20.0
CANCEL_SECONDS = 5.0


def train_loss(step: int, total_steps: int) -> float:
    progress = step / total_steps
    return 0.85 + 1.5 * math.exp(-4 * progress) + 0.06 * math.sin(1.9 * step)


def eval_loss(step: int, total_steps: int) -> float:
    progress = step / total_steps
    return 1.0 + 1.3 * math.exp(-5 * progress) + 0.7 * max(0.0, progress - 0.45)


def eval_steps(total_steps: int, n_evals: int) -> list[int]:
    """Return the steps at which an evaluation runs: `n_evals` evenly spaced, the last at the end."""
    if n_evals <= 0:
        return []
    steps = {max(1, round(total_steps * index / n_evals)) for index in range(1, n_evals + 1)}
    return sorted(steps)


def checkpoint_steps(total_steps: int, n_checkpoints: int) -> list[int]:
    count = max(1, n_checkpoints)
    return sorted({max(1, round(total_steps * index / count)) for index in range(1, count + 1)})


@dataclass(frozen=True, slots=True)
class EarlyStop:
    step: int              # the evaluation step at which training stopped
    best_step: int
    best_loss: float


def early_stop(settings: dict, total_steps: int) -> EarlyStop | None:
    """Return where early stopping ends training, or None when it runs to the end.

    After `warmup_evals` evaluations, an evaluation that does not beat the best validation
    loss by more than `min_delta` counts against the patience. `patience` such evaluations
    in a row stop training.
    """
    if not settings.get("early_stopping_enabled") or not settings.get("validation_file"):
        return None
    patience = int(settings.get("early_stopping_patience") or 2)
    min_delta = float(settings.get("early_stopping_min_delta") or 0.0)
    warmup = int(settings.get("early_stopping_warmup_evals") or 1)

    best_loss = math.inf
    best_step = 0
    misses = 0
    for index, step in enumerate(eval_steps(total_steps, int(settings.get("n_evals") or 0))):
        loss = eval_loss(step, total_steps)
        if index < warmup or loss < best_loss - min_delta:
            if loss < best_loss:
                best_loss, best_step = loss, step
            misses = 0
            continue
        misses += 1
        if misses >= patience:
            return EarlyStop(step, best_step, best_loss)
    return None


@dataclass(slots=True)
class JobView:
    """A job's status and progress at one simulated moment."""

    status: str
    steps_completed: int
    running_started: float | None     # simulated second training began
    finished_at: float | None
    seconds_remaining: float | None   # simulated seconds


def view_at(job: dict, now: float) -> JobView:
    """Return the job's status and progress at simulated time `now`."""
    created = job["created_sim"]
    last_step = job["last_step"]
    running_start = created + PENDING_SECONDS + QUEUED_SECONDS
    running_end = running_start + last_step * STEP_SECONDS
    finished = running_end + UPLOADING_SECONDS

    failure_step = job.get("fail_at_step")
    if failure_step is not None:
        failure_time = running_start + failure_step * STEP_SECONDS
        if now >= failure_time:
            return JobView("error", failure_step, running_start, failure_time, None)

    cancel_time = job.get("cancel_sim")
    if cancel_time is not None:
        steps = steps_at(min(cancel_time, running_end), running_start, last_step)
        if now < cancel_time + CANCEL_SECONDS:
            return JobView("cancel_requested", steps, running_start, None, None)
        return JobView("cancelled", steps, running_start, cancel_time + CANCEL_SECONDS, None)

    if now < created + PENDING_SECONDS:
        return JobView("pending", 0, None, None, finished - now)
    if now < running_start:
        return JobView("queued", 0, None, None, finished - now)
    if now < running_end:
        return JobView("running", steps_at(now, running_start, last_step), running_start, None, finished - now)
    if now < finished:
        return JobView("uploading", last_step, running_start, None, finished - now)
    return JobView("completed", last_step, running_start, finished, 0.0)


def steps_at(now: float, running_start: float, last_step: int) -> int:
    if now <= running_start:
        return 0
    return min(last_step, int((now - running_start) // STEP_SECONDS))


def metric_rows(job: dict, steps_completed: int, step_time) -> list[dict]:
    """Return the metrics rows up to `steps_completed`: a train row per step and an eval row
    after it at each evaluation step, every number a float as Together sends them."""
    total = job["total_steps"]
    evals = set(eval_steps(total, job["n_evals"])) if job.get("validation_file") else set()
    rows = []
    for step in range(1, steps_completed + 1):
        epoch = step / job["steps_per_epoch"]
        timestamp = int(step_time(step) * 1e9)
        rows.append({
            "timestamp": timestamp, "train/global_step": float(step), "train/epoch": epoch,
            "train/loss": train_loss(step, total), "train/grad_norm": 1.0 + 0.5 * math.exp(-step / total),
            "train/learning_rate": job["learning_rate"] * (1 - step / total),
        })
        if step in evals:
            rows.append({
                "timestamp": timestamp, "train/global_step": float(step), "train/epoch": epoch,
                "eval/loss": eval_loss(step, total),
            })
    return rows


def timeline_events(job: dict, view: JobView) -> list[tuple[float, str, str, str, int | None]]:
    """Return (simulated time, type, level, message, step) of every event that has happened."""
    created = job["created_sim"]
    running_start = created + PENDING_SECONDS + QUEUED_SECONDS
    events = [(created, "job_pending", "info", "Fine tune request created", None)]
    if view.running_started is None and view.status in ("pending", "queued"):
        return events

    events.append((created + PENDING_SECONDS + QUEUED_SECONDS - 1, "job_start", "info", "Job started", None))
    events.append((running_start, "training_start", "info", f"Training started for {job['model']}", None))
    steps = view.steps_completed
    for epoch in range(1, job["n_epochs"] + 1):
        step = epoch * job["steps_per_epoch"]
        if step <= steps:
            events.append((running_start + step * STEP_SECONDS, "epoch_complete", "info", f"Epoch completed, at step {step}", step))
    for step in checkpoint_steps(job["last_step"], job["n_checkpoints"]):
        if step <= steps and step < job["last_step"]:
            events.append((running_start + step * STEP_SECONDS, "checkpoint_save", "info", f"Checkpoint saved at step {step}", step))

    if view.status == "error":
        events.append((view.finished_at, "job_error", "error", f"Job failed at step {steps}: the worker ran out of memory (simulated). The charge is refunded.", steps))
        return events
    if view.status in ("cancel_requested", "cancelled"):
        events.append((job["cancel_sim"], "cancel_requested", "info", "Cancel requested", steps))
        if view.status == "cancelled":
            events.append((view.finished_at, "job_stopped", "info", f"Job cancelled at step {steps}", steps))
        return events

    training_end = running_start + job["last_step"] * STEP_SECONDS
    if view.status in ("uploading", "completed"):
        stop = job.get("early_stop")
        if stop is not None:
            events.append((training_end, "early_stopped", "info",
                           f"Early stopping at step {stop['step']}: validation loss has not improved since step {stop['best_step']}", stop["step"]))
        events.append((training_end, "training_complete", "info", f"Training completed for {job['model']}", job["last_step"]))
        events.append((training_end + 1, "model_uploading", "info", "Uploading output model", None))
    if view.status == "completed":
        events.append((view.finished_at - 1, "model_upload_complete", "info", "Model upload complete", None))
        events.append((view.finished_at, "job_complete", "info", "Job finished", None))
    return events
