"""Launch a fine-tuning job: upload both files, wait for validation, price, create.

Creating a job costs money, and the SDK re-sends a POST after a 5xx or a dropped
connection without an idempotency key, which can start a second, billed job. So the
jobs row is written with an intent key and status 'creating' before the request, and the
request is sent with SDK retries off. Before any retry, the job list is checked for a job
this intent already made, and a match is adopted instead of creating another.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from persona_tui.training import job_store
from persona_tui.training.client import is_sandbox
from persona_tui.training.job_store import JobRow
from persona_tui.training.pricing import PriceEstimate, estimate_price
from persona_tui.training.retry import describe_error, is_retryable, retry_delay
from persona_tui.training.settings import TrainingSettings
from persona_tui.training.uploads import ProgressCallback, UploadedFile, upload_file, wait_for_validation
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

CREATE_ATTEMPTS = 4
# A job listed by Together counts as ours only if it was created after our intent row,
# allowing this much clock difference between the machine and Together.
CLOCK_SKEW = timedelta(minutes=10)

NoteCallback = Callable[[str], None]


class LaunchError(Exception):
    """The launch stopped. The message gives the reason and the next step."""


class LaunchCancelled(Exception):
    """The user declined the price; nothing was created."""


@dataclass(slots=True)
class LaunchResult:
    job: JobRow
    adopted: bool                       # the job was found in the list after a failed create
    price: PriceEstimate | None
    notes: list[str] = field(default_factory=list)


def upload_dataset(client: Any, workspace: Workspace, train_path: Path, validation_path: Path | None,
                   progress: ProgressCallback | None = None, *, poll_seconds: float = 2.0) -> tuple[UploadedFile, UploadedFile | None]:
    """Upload both files and wait until Together has validated them."""
    train = upload_file(client, workspace, train_path, progress)
    validation = upload_file(client, workspace, validation_path, progress) if validation_path else None
    wait_for_validation(client, workspace, train, poll_seconds=poll_seconds)
    if validation is not None:
        wait_for_validation(client, workspace, validation, poll_seconds=poll_seconds)
    return train, validation


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def find_matching_job(client: Any, workspace: Workspace, intent: JobRow) -> Any | None:
    """Return a listed job this intent created (same files, model and suffix, created after
    the intent row, and not already another row's job), or None."""
    not_before = datetime.fromisoformat(intent.created_at) - CLOCK_SKEW
    taken = job_store.known_job_ids(workspace)
    for job in client.fine_tuning.list().data:
        created = parse_time(getattr(job, "created_at", None))
        if job.id in taken or (created is not None and created < not_before):
            continue
        if (job.training_file == intent.train_file_id
                and (job.validation_file or "") == (intent.validation_file_id or "")
                and job.model == intent.model
                and (getattr(job, "suffix", None) or None) == (intent.suffix or None)):
            return job
    return None


def job_detail(job: Any) -> dict:
    detail = job.model_dump(mode="json", exclude_none=True, warnings=False)
    detail.pop("events", None)
    return detail


def create_job(client: Any, workspace: Workspace, settings: TrainingSettings, train_file_id: str,
               validation_file_id: str | None, *, retry_base_seconds: float = 1.0,
               on_note: NoteCallback | None = None) -> tuple[JobRow, bool]:
    """Create the job, checking the job list before each retry so one launch makes at most one
    job. Return (its row, whether it was adopted from the list)."""
    import together

    intent = job_store.record_intent(
        workspace, model=settings.model, suffix=settings.suffix, settings=settings.to_json(),
        train_file_id=train_file_id, validation_file_id=validation_file_id, sandbox=is_sandbox(workspace),
    )
    once = client.with_options(max_retries=0)
    arguments = settings.create_arguments(train_file_id, validation_file_id)

    for attempt in range(CREATE_ATTEMPTS):
        if attempt > 0:
            existing = find_matching_job(once, workspace, intent)
            if existing is not None:
                log.warning("adopting job %s for intent %s after a failed create", existing.id, intent.intent_key)
                note(on_note, f"Found job {existing.id} in Together's list: the failed request had created it. Using it; no second job was made.")
                job_store.attach_job(workspace, intent.intent_key, existing.id, existing.status, job_detail(existing))
                return job_store.job_by_intent(workspace, intent.intent_key), True

        try:
            job = once.fine_tuning.create(**arguments)
        except ValueError as error:
            # The SDK checks the settings against the model's limits before sending.
            reason = f"creating the job failed: the SDK rejected the settings: {error}"
            log.error("create for intent %s failed: %s", intent.intent_key, reason)
            job_store.mark_failed(workspace, intent.intent_key, reason)
            raise LaunchError(f"Creating the job failed: {error} Change the setting and launch again.") from error
        except together.APIError as error:
            if not is_retryable(error) or attempt == CREATE_ATTEMPTS - 1:
                reason = f"creating the job failed: {describe_error(error)}: {error_message(error)}"
                log.error("create for intent %s failed: %s", intent.intent_key, reason)
                job_store.mark_failed(workspace, intent.intent_key, reason)
                raise LaunchError(f"{reason[0].upper()}{reason[1:]}. Check the settings and launch again.") from error
            delay = retry_delay(error, attempt, retry_base_seconds)
            log.warning("create for intent %s failed (%s); checking the job list and retrying in %.1f s",
                        intent.intent_key, describe_error(error), delay)
            note(on_note, f"{describe_error(error)} while creating the job; checking Together's job list before retrying in {delay:.0f} s.")
            time.sleep(delay)
            continue

        log.info("created fine-tuning job %s for intent %s", job.id, intent.intent_key)
        job_store.attach_job(workspace, intent.intent_key, job.id, job.status or "pending", job_detail(job))
        return job_store.job_by_intent(workspace, intent.intent_key), False

    raise AssertionError("unreachable: the last attempt returns or raises")


def error_message(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(getattr(error, "message", error))


def note(on_note: NoteCallback | None, text: str) -> None:
    if on_note is not None:
        on_note(text)


def launch(workspace: Workspace, client: Any, train_path: Path, validation_path: Path | None,
           settings: TrainingSettings, *, progress: ProgressCallback | None = None,
           confirm_price: Callable[[PriceEstimate], bool] | None = None,
           on_note: NoteCallback | None = None, poll_seconds: float = 2.0,
           retry_base_seconds: float = 1.0) -> LaunchResult:
    """Upload, validate, estimate the price (asking `confirm_price` when given) and create."""
    notes: list[str] = []

    def collect(text: str) -> None:
        notes.append(text)
        note(on_note, text)

    train, validation = upload_dataset(client, workspace, train_path, validation_path, progress, poll_seconds=poll_seconds)
    collect(f"Together validated {train_path.name}" + (f" and {validation_path.name}" if validation_path else "") + ".")

    price = estimate_price(
        client, model=settings.model, train_file_id=train.file_id,
        validation_file_id=validation.file_id if validation else None,
        n_epochs=settings.n_epochs, n_evals=settings.n_evals, lora_rank=settings.lora_rank,
    )
    collect(price.describe())
    if confirm_price is not None and not confirm_price(price):
        raise LaunchCancelled("Launch cancelled at the price confirmation; the uploaded files are kept for next time.")

    job, adopted = create_job(
        client, workspace, settings, train.file_id, validation.file_id if validation else None,
        retry_base_seconds=retry_base_seconds, on_note=collect,
    )
    collect(f"Created fine-tuning job {job.job_id}.")
    return LaunchResult(job, adopted, price, notes)


def recover_creating_jobs(client: Any, workspace: Workspace) -> list[str]:
    """Settle jobs rows left in 'creating' by a crash mid-create: adopt the listed job that
    matches, or mark the row failed. Return a note per row settled."""
    notes = []
    for row in job_store.list_jobs(workspace):
        if row.status != "creating" or row.job_id:
            continue
        existing = find_matching_job(client, workspace, row)
        if existing is not None:
            job_store.attach_job(workspace, row.intent_key, existing.id, existing.status, job_detail(existing))
            notes.append(f"Found job {existing.id} created before the app stopped; monitoring it.")
        else:
            job_store.mark_failed(workspace, row.intent_key, "the create request was never confirmed and no job was found")
            notes.append(f"A launch of {row.model} was interrupted before Together created a job; nothing was billed.")
    return notes
