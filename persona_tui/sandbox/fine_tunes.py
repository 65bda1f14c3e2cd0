"""Sandbox routes for fine-tuning jobs: price estimate, create, retrieve, list, cancel,
events, checkpoints and metrics, each in the JSON shape `together` 3.1.1 reads.

Jobs advance on the sandbox's simulated clock (see simulated_job.py). Two faults are
set through `fine_tunes_state` or the control route. The next job ends in `error` at a
given step. A create request makes the job but returns 502, as a gateway failure after
the backend accepted it would, so a client that retries blindly makes a second, billed
job.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import datetime, timezone

from persona_tui.sandbox import simulated_job
from persona_tui.sandbox.clock import simulated_seconds, wall_time
from persona_tui.sandbox.files import files_state
from persona_tui.sandbox.models import FINE_TUNING_LIMITS, lora_price_per_million
from persona_tui.sandbox.server import Request, Response, SandboxState, error_response, route

log = logging.getLogger(__name__)

TERMINAL_STATUSES = {"completed", "cancelled", "error"}


def fine_tunes_state(state: SandboxState) -> dict:
    with state.lock:
        return state.data.setdefault("fine_tunes", {"jobs": {}, "fail_next_job_at_step": None, "fail_after_create": 0})


def iso(state: SandboxState, simulated: float) -> str:
    return datetime.fromtimestamp(wall_time(state, simulated), tz=timezone.utc).isoformat().replace("+00:00", "Z")


def file_record(state: SandboxState, file_id: str | None) -> dict | None:
    if not file_id:
        return None
    return files_state(state)["files"].get(file_id)


def price_of(model: str, train_tokens: int, validation_tokens: int, n_epochs: int, n_evals: int) -> float:
    """Return the sandbox price in USD: (epochs x train tokens + evals x validation tokens)
    at the model's LoRA rate per million tokens, the formula on Together's pricing page.

    NOTE: Together also charges a $4.00 minimum per job; the sandbox leaves it out so small
    test datasets give distinguishable prices.
    """
    rate = lora_price_per_million(model) or 0.0
    tokens = n_epochs * train_tokens + n_evals * validation_tokens
    return tokens * rate / 1_000_000


@route("POST", r"/v1/fine-tunes/estimate-price")
def estimate_price(state: SandboxState, request: Request) -> Response:
    body = request.json() or {}
    train = file_record(state, body.get("training_file"))
    validation = file_record(state, body.get("validation_file"))
    if train is None or train["processing_status"] != "COMPLETED":
        reason = "train_file_invalid" if train and train["processing_status"] == "INVALID_FORMAT" else "train_file_not_validated"
        return Response(200, {"estimation_available": False, "unavailable_reason": reason})
    if body.get("validation_file") and (validation is None or validation["processing_status"] != "COMPLETED"):
        return Response(200, {"estimation_available": False, "unavailable_reason": "eval_file_not_validated"})

    validation_tokens = validation["tokens"] if validation else 0
    n_epochs = int(body.get("n_epochs") or 1)
    n_evals = int(body.get("n_evals") or 0)
    return Response(200, {
        "estimation_available": True,
        "estimated_total_price": price_of(body.get("model", ""), train["tokens"], validation_tokens, n_epochs, n_evals),
        "allowed_to_proceed": True,
        "user_limit": 100.0,
        "estimated_train_token_count": n_epochs * train["tokens"],
        "estimated_eval_token_count": n_evals * validation_tokens,
    })


def check_create(state: SandboxState, body: dict) -> str | None:
    """Return what is wrong with a create request, or None."""
    model = body.get("model")
    if model not in FINE_TUNING_LIMITS:
        return f"Model {model} is not available for fine-tuning"
    train = file_record(state, body.get("training_file"))
    if train is None:
        return f"Training file {body.get('training_file')} not found"
    if train["processing_status"] != "COMPLETED":
        return f"Training file {train['id']} has processing status {train['processing_status']}"
    if body.get("validation_file"):
        validation = file_record(state, body["validation_file"])
        if validation is None or validation["processing_status"] != "COMPLETED":
            return f"Validation file {body['validation_file']} is missing or not validated"

    max_rank, min_batch, max_batch, _context, _price = FINE_TUNING_LIMITS[model]
    batch = body.get("batch_size", "max")
    if batch != "max" and not (min_batch <= int(batch) <= max_batch):
        return f"batch_size {batch} is outside [{min_batch}, {max_batch}] for {model}"
    rank = (body.get("training_type") or {}).get("lora_r")
    if rank is not None and not (1 <= int(rank) <= max_rank):
        return f"lora_r {rank} is outside [1, {max_rank}] for {model}"
    if body.get("early_stopping_enabled") and not body.get("validation_file"):
        return "Early stopping needs a validation file"
    return None


@route("POST", r"/v1/fine-tunes")
def create_job(state: SandboxState, request: Request) -> Response:
    body = request.json() or {}
    problem = check_create(state, body)
    if problem:
        return error_response(400, problem)

    model = body["model"]
    train = file_record(state, body["training_file"])
    validation = file_record(state, body.get("validation_file"))
    _rank, _min_batch, max_batch, _context, _price = FINE_TUNING_LIMITS[model]
    batch = max_batch if body.get("batch_size", "max") == "max" else int(body["batch_size"])
    n_epochs = int(body.get("n_epochs") or 1)
    steps_per_epoch = max(1, math.ceil(train["nlines"] / batch))
    total_steps = steps_per_epoch * n_epochs
    n_evals = int(body.get("n_evals") or 0) if validation else 0

    data = fine_tunes_state(state)
    job_id = f"ft-{uuid.uuid4()}"
    job = {
        "id": job_id, "model": model, "suffix": body.get("suffix"),
        "training_file": train["id"], "validation_file": validation["id"] if validation else "",
        "n_epochs": n_epochs, "n_evals": n_evals, "n_checkpoints": int(body.get("n_checkpoints") or 1),
        "batch_size": batch, "learning_rate": float(body.get("learning_rate") or 1e-5),
        "training_type": body.get("training_type") or {"type": "Lora"},
        "early_stopping_enabled": bool(body.get("early_stopping_enabled")),
        "early_stopping_patience": body.get("early_stopping_patience"),
        "early_stopping_min_delta": body.get("early_stopping_min_delta"),
        "early_stopping_warmup_evals": body.get("early_stopping_warmup_evals"),
        "steps_per_epoch": steps_per_epoch, "total_steps": total_steps,
        "token_count": n_epochs * train["tokens"],
        "price": price_of(model, train["tokens"], validation["tokens"] if validation else 0, n_epochs, n_evals),
        "created_sim": simulated_seconds(state),
    }
    stop = simulated_job.early_stop(job, total_steps)
    job["early_stop"] = None if stop is None else {"step": stop.step, "best_step": stop.best_step, "best_loss": stop.best_loss}
    job["last_step"] = total_steps if stop is None else stop.step

    with state.lock:
        if data["fail_next_job_at_step"] is not None:
            job["fail_at_step"] = min(int(data["fail_next_job_at_step"]), job["last_step"])
            data["fail_next_job_at_step"] = None
        data["jobs"][job_id] = job
        fail_reply = data["fail_after_create"] > 0
        if fail_reply:
            data["fail_after_create"] -= 1
    log.info("sandbox: created fine-tuning job %s (%d steps)", job_id, total_steps)

    if fail_reply:
        return error_response(502, "Bad gateway (simulated); the job may have been created.", "server_error")
    return Response(200, job_json(state, job))


def job_json(state: SandboxState, job: dict, *, full: bool = True) -> dict:
    now = simulated_seconds(state)
    view = simulated_job.view_at(job, now)
    stop = job.get("early_stop")
    completed = view.status == "completed"
    name_tail = job["model"].split("/")[-1]
    suffix = f"-{job['suffix']}" if job.get("suffix") else ""

    if view.status == "error":
        price = 0.0
    else:
        price = job["price"] * view.steps_completed / job["total_steps"]
    evals_done = [step for step in simulated_job.eval_steps(job["total_steps"], job["n_evals"]) if step <= view.steps_completed]
    # Together reports real seconds; the sandbox converts from simulated ones at its speed.
    seconds_remaining = view.seconds_remaining
    if seconds_remaining is not None and state.speed > 0:
        seconds_remaining /= state.speed

    result = {
        "id": job["id"], "object": "fine-tune", "status": view.status,
        "created_at": iso(state, job["created_sim"]), "updated_at": iso(state, now),
        "started_at": iso(state, view.running_started) if view.running_started is not None else None,
        "user_id": "sandbox-user", "model": job["model"],
        "model_output_name": f"sandbox-user/{name_tail}{suffix}-{job['id'][3:11]}" if completed else "",
        "model_object_id": f"ml_{job['id'][3:19]}" if completed else None,
        "adapter_output_name": f"sandbox-user/{name_tail}{suffix}-{job['id'][3:11]}-adapter" if completed else None,
        "training_file": job["training_file"], "validation_file": job["validation_file"],
        "n_epochs": job["n_epochs"], "n_evals": job["n_evals"], "n_checkpoints": job["n_checkpoints"],
        "batch_size": job["batch_size"], "learning_rate": job["learning_rate"],
        "training_type": job["training_type"], "suffix": job["suffix"],
        "early_stopping_enabled": job["early_stopping_enabled"],
        "total_steps": job["total_steps"], "steps_completed": view.steps_completed,
        "epochs_completed": view.steps_completed // job["steps_per_epoch"],
        "evals_completed": len(evals_done), "token_count": job["token_count"],
        "total_price": price, "queue_depth": 0 if view.status != "queued" else 1,
        "progress": {"estimate_available": seconds_remaining is not None, "seconds_remaining": seconds_remaining or 0},
        "early_stopped": bool(stop) and view.status in ("uploading", "completed"),
        "early_stopping_best_step": stop["best_step"] if stop else None,
        "early_stopping_best_metric": stop["best_loss"] if stop else None,
        "trainingfile_numlines": file_record(state, job["training_file"])["nlines"],
    }
    if full:
        result["events"] = events_json(state, job, view)
    return result


def events_json(state: SandboxState, job: dict, view) -> list[dict]:
    return [
        {"object": "fine-tune-event", "created_at": iso(state, when), "message": message, "type": kind,
         "level": level, "step": step, "total_steps": job["total_steps"]}
        for when, kind, level, message, step in simulated_job.timeline_events(job, view)
    ]


def find_job(state: SandboxState, request: Request) -> dict | None:
    return fine_tunes_state(state)["jobs"].get(request.params["job_id"])


def not_found(request: Request) -> Response:
    return error_response(404, f"Fine-tuning job {request.params['job_id']} not found", "not_found")


@route("GET", r"/v1/fine-tunes")
def list_jobs(state: SandboxState, request: Request) -> Response:
    with state.lock:
        jobs = list(fine_tunes_state(state)["jobs"].values())
    return Response(200, {"data": [job_json(state, job, full=False) for job in jobs]})


@route("GET", r"/v1/fine-tunes/(?P<job_id>ft-[^/]+)")
def retrieve_job(state: SandboxState, request: Request) -> Response:
    job = find_job(state, request)
    return not_found(request) if job is None else Response(200, job_json(state, job))


@route("POST", r"/v1/fine-tunes/(?P<job_id>ft-[^/]+)/cancel")
def cancel_job(state: SandboxState, request: Request) -> Response:
    job = find_job(state, request)
    if job is None:
        return not_found(request)
    now = simulated_seconds(state)
    if simulated_job.view_at(job, now).status not in TERMINAL_STATUSES:
        with state.lock:
            job.setdefault("cancel_sim", now)
    return Response(200, job_json(state, job, full=False))


@route("GET", r"/v1/fine-tunes/(?P<job_id>ft-[^/]+)/events")
def list_events(state: SandboxState, request: Request) -> Response:
    job = find_job(state, request)
    if job is None:
        return not_found(request)
    view = simulated_job.view_at(job, simulated_seconds(state))
    return Response(200, {"data": events_json(state, job, view)})


@route("GET", r"/v1/fine-tunes/(?P<job_id>ft-[^/]+)/checkpoints")
def list_checkpoints(state: SandboxState, request: Request) -> Response:
    job = find_job(state, request)
    if job is None:
        return not_found(request)
    view = simulated_job.view_at(job, simulated_seconds(state))
    running_start = job["created_sim"] + simulated_job.PENDING_SECONDS + simulated_job.QUEUED_SECONDS
    checkpoints = []
    for step in simulated_job.checkpoint_steps(job["last_step"], job["n_checkpoints"]):
        final = step == job["last_step"]
        if step > view.steps_completed or (final and view.status != "completed"):
            continue
        checkpoints.append({
            "checkpoint_type": "Final" if final else "Intermediate",
            "created_at": iso(state, running_start + step * simulated_job.STEP_SECONDS),
            "path": f"s3://sandbox/{job['id']}/checkpoint-{step}", "step": step,
            "checkpoint": "adapter", "object_id": None, "object_name": None, "object_revision_id": None,
        })
    return Response(200, {"data": checkpoints})


@route("GET", r"/v1/fine-tunes/(?P<job_id>ft-[^/]+)/metrics")
def list_metrics(state: SandboxState, request: Request) -> Response:
    job = find_job(state, request)
    if job is None:
        return not_found(request)
    view = simulated_job.view_at(job, simulated_seconds(state))
    running_start = job["created_sim"] + simulated_job.PENDING_SECONDS + simulated_job.QUEUED_SECONDS

    def step_time(step: int) -> float:
        return wall_time(state, running_start + step * simulated_job.STEP_SECONDS)

    rows = simulated_job.metric_rows(job, view.steps_completed, step_time)
    step_from = request.query.get("global_step_from")
    step_to = request.query.get("global_step_to")
    if step_from is not None:
        rows = [row for row in rows if row["train/global_step"] >= float(step_from)]
    if step_to is not None:
        rows = [row for row in rows if row["train/global_step"] <= float(step_to)]

    resolution = request.query.get("resolution")
    if resolution:
        rows = downsample_train_rows(rows, int(resolution))
    return Response(200, {"metrics": rows})


def downsample_train_rows(rows: list[dict], resolution: int) -> list[dict]:
    """Keep at most about `resolution` train rows (every k-th and the last) and every eval row."""
    train_indexes = [index for index, row in enumerate(rows) if "train/loss" in row]
    if resolution <= 0 or len(train_indexes) <= resolution:
        return rows
    stride = math.ceil(len(train_indexes) / resolution)
    keep = set(train_indexes[::stride]) | {train_indexes[-1]}
    return [row for index, row in enumerate(rows) if "train/loss" not in row or index in keep]
