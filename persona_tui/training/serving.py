"""Serving a finished fine-tuning job: a dedicated endpoint on Together, or downloaded weights.

Together no longer serves LoRA fine-tunes serverlessly, so a tuned model is either
deployed on a dedicated endpoint (billed per minute while it is up, whether or not anyone
chats) or its adapter or merged weights are downloaded and served by any
OpenAI-compatible server (docs/serving.md).

SDK 3.1.1 has no methods for the v1 endpoint and hardware paths (its `client.endpoints`
is the v2 projects API), so these calls use the client's generic `get/post/patch/delete`,
which keep its auth, retries and error classes. Every function takes a `together.Together`
client; `make_client` in training/client.py builds one for a workspace.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from persona_tui.chat.targets import ModelTarget, list_targets, save_target
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

READY_STATE = "STARTED"
FAILED_STATES = ("ERROR", "STOPPED")
DEFAULT_INACTIVE_TIMEOUT_MINUTES = 15


class ServingError(Exception):
    """A serving step that failed; the message says what to do next."""


class DownloadCancelled(Exception):
    """Raised by a download's `progress` callback to stop it; the part file is kept for a resume."""


@dataclass(frozen=True, slots=True)
class HardwareOption:
    id: str                       # e.g. '1x_nvidia_h100_80gb_sxm'
    dollars_per_hour: float
    available: bool | None        # None when Together gave no availability (no model asked)

    def describe(self) -> str:
        note = "" if self.available in (True, None) else " (unavailable now)"
        return f"{self.id}: ${self.dollars_per_hour:.2f}/h{note}"


@dataclass(frozen=True, slots=True)
class EndpointStatus:
    id: str
    name: str                     # the model name chat requests use
    model: str                    # the fine-tune output name it serves
    hardware: str
    state: str                    # PENDING, STARTING, STARTED, STOPPING, STOPPED, ERROR
    inactive_timeout: int | None  # minutes without requests before Together stops it


def endpoint_status(data: dict[str, Any]) -> EndpointStatus:
    return EndpointStatus(
        id=data["id"], name=data["name"], model=data.get("model", ""), hardware=data.get("hardware", ""),
        state=data.get("state", "ERROR"), inactive_timeout=data.get("inactive_timeout"),
    )


# Hardware ------------------------------------------------------------------------------

def list_hardware(client, model: str | None = None) -> list[HardwareOption]:
    """Return the hardware that can serve `model`, cheapest first, with hourly prices."""
    params = {"model": model} if model else {}
    data = client.get("/v1/hardware", cast_to=object, options={"params": params})
    options = []
    for item in data.get("data", []):
        cents_per_minute = float((item.get("pricing") or {}).get("cents_per_minute") or 0)
        availability = item.get("availability")
        options.append(HardwareOption(
            id=item["id"],
            dollars_per_hour=round(cents_per_minute * 60 / 100, 2),
            available=None if availability is None else availability.get("status") == "available",
        ))
    return sorted(options, key=lambda option: (option.dollars_per_hour, option.id))


# Endpoints -----------------------------------------------------------------------------

def job_output_name(workspace: Workspace, client, job_id: str) -> str:
    """Return the fine-tune output name of `job_id`: from the workspace's jobs table when
    it is known there, else from Together; raise ServingError while it is not completed."""
    row = workspace.db.execute("SELECT output_name, status FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
    if row is not None and row["output_name"]:
        return row["output_name"]

    job = client.fine_tuning.retrieve(job_id)
    name = getattr(job, "model_output_name", None) or getattr(job, "x_model_output_name", None)
    if not name or getattr(job, "status", None) != "completed":
        raise ServingError(
            f"Job {job_id} is {getattr(job, 'status', 'unknown')} and has no output model yet; "
            "deploy it once it is completed."
        )
    return name


def deploy_job(
    workspace: Workspace,
    client,
    job_id: str,
    *,
    hardware: str,
    inactive_timeout_minutes: int = DEFAULT_INACTIVE_TIMEOUT_MINUTES,
    min_replicas: int = 1,
    max_replicas: int = 1,
    target_name: str | None = None,
) -> tuple[EndpointStatus, ModelTarget]:
    """Create a dedicated endpoint for the job's output model and save a model target for it.

    The endpoint starts right away and bills per minute per replica from then on, until it
    is stopped (by `stop_endpoint` or after `inactive_timeout_minutes` without requests).
    """
    model = job_output_name(workspace, client, job_id)
    prices = {option.id: option.dollars_per_hour for option in list_hardware(client, model)}
    if hardware not in prices:
        raise ServingError(
            f"Hardware {hardware!r} cannot serve {model}; choose one of: {', '.join(prices) or 'none offered'}."
        )

    body = {
        "model": model,
        "hardware": hardware,
        "display_name": f"persona-tui {job_id}",
        "autoscaling": {"min_replicas": min_replicas, "max_replicas": max_replicas},
        "inactive_timeout": inactive_timeout_minutes or None,
        "state": "STARTED",
    }
    log.info("creating an endpoint for job %s on %s", job_id, hardware)
    status = endpoint_status(client.post("/v1/endpoints", body=body, cast_to=object))
    log.info("created endpoint %s for job %s", status.id, job_id)

    target = save_target(workspace, ModelTarget(
        name=target_name or f"tuned-{job_id}",
        kind="together_endpoint",
        model=status.name,
        endpoint_id=status.id,
        settings={
            "job_id": job_id,
            "hardware": hardware,
            "dollars_per_hour": prices[hardware] * max(min_replicas, 1),
            "inactive_timeout_minutes": inactive_timeout_minutes,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    ))
    return status, target


def endpoint_target_for_job(workspace: Workspace, job_id: str) -> ModelTarget | None:
    """Return the saved endpoint target that serves `job_id`, or None when none was deployed."""
    for target in list_targets(workspace):
        if target.kind == "together_endpoint" and target.settings.get("job_id") == job_id:
            return target
    return None


def get_endpoint(client, endpoint_id: str) -> EndpointStatus:
    return endpoint_status(client.get(f"/v1/endpoints/{endpoint_id}", cast_to=object))


def wait_until_ready(
    client,
    endpoint_id: str,
    *,
    poll_seconds: float = 10.0,
    timeout_seconds: float = 1800.0,
    on_state: Callable[[EndpointStatus], None] | None = None,
) -> EndpointStatus:
    """Poll the endpoint until it is STARTED; raise ServingError if it fails, stops or
    takes longer than `timeout_seconds`. `on_state` sees every poll's status."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        status = get_endpoint(client, endpoint_id)
        if on_state is not None:
            on_state(status)
        if status.state == READY_STATE:
            log.info("endpoint %s is ready", endpoint_id)
            return status
        if status.state in FAILED_STATES:
            raise ServingError(
                f"Endpoint {endpoint_id} went to {status.state} instead of starting. Check it on "
                "Together's dashboard, delete it, and deploy again."
            )
        if time.monotonic() >= deadline:
            raise ServingError(
                f"Endpoint {endpoint_id} is still {status.state} after {timeout_seconds:g} s. It keeps "
                "billing: wait with `persona-tui serve status` or stop it."
            )
        time.sleep(poll_seconds)


def set_started_at(workspace: Workspace, endpoint_id: str, started_at: str | None) -> None:
    for target in list_targets(workspace):
        if target.endpoint_id == endpoint_id:
            settings = dict(target.settings)
            settings["started_at"] = started_at
            save_target(workspace, ModelTarget(target.name, target.kind, target.model, target.base_url,
                                               target.endpoint_id, settings))


def start_endpoint(workspace: Workspace, client, endpoint_id: str) -> EndpointStatus:
    """Start a stopped endpoint again; billing starts again with it."""
    log.info("starting endpoint %s", endpoint_id)
    status = endpoint_status(client.patch(f"/v1/endpoints/{endpoint_id}", body={"state": "STARTED"}, cast_to=object))
    set_started_at(workspace, endpoint_id, datetime.now(UTC).isoformat(timespec="seconds"))
    return status


def stop_endpoint(workspace: Workspace, client, endpoint_id: str) -> EndpointStatus:
    """Stop the endpoint (it stops billing but can be started again)."""
    log.info("stopping endpoint %s", endpoint_id)
    status = endpoint_status(client.patch(f"/v1/endpoints/{endpoint_id}", body={"state": "STOPPED"}, cast_to=object))
    set_started_at(workspace, endpoint_id, None)
    return status


def delete_endpoint(workspace: Workspace, client, endpoint_id: str) -> None:
    """Delete the endpoint on Together and the model targets that point at it."""
    log.info("deleting endpoint %s", endpoint_id)
    client.delete(f"/v1/endpoints/{endpoint_id}", cast_to=object)
    with workspace.transaction() as db:
        db.execute("DELETE FROM model_targets WHERE endpoint_id = ?", (endpoint_id,))


# The running-endpoint warning ----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RunningEndpoint:
    target: ModelTarget
    up_seconds: float
    dollars_per_hour: float

    @property
    def cost_so_far(self) -> float:
        return self.up_seconds / 3600 * self.dollars_per_hour


def running_endpoints(workspace: Workspace, *, now: datetime | None = None) -> list[RunningEndpoint]:
    """Return the endpoints this workspace started and has not seen stopped, from the
    targets' records (no network call, so the TUI can check it on every tick)."""
    now = now or datetime.now(UTC)
    running = []
    for target in list_targets(workspace):
        started_at = target.settings.get("started_at")
        if target.kind != "together_endpoint" or not started_at:
            continue
        up = (now - datetime.fromisoformat(started_at)).total_seconds()
        running.append(RunningEndpoint(target, max(up, 0.0), float(target.settings.get("dollars_per_hour") or 0)))
    return running


def format_duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def endpoint_warning(workspace: Workspace, *, now: datetime | None = None) -> str | None:
    """Return the warning to show while an endpoint is up, or None when none is."""
    running = running_endpoints(workspace, now=now)
    if not running:
        return None
    parts = [
        f"{item.target.name} up {format_duration(item.up_seconds)} at ${item.dollars_per_hour:.2f}/h "
        f"(about ${item.cost_so_far:.2f} so far)"
        for item in running
    ]
    # NOTE: an auto-stop on Together's side is not seen here until the next status call.
    return "Endpoint billing: " + "; ".join(parts) + ". Stop it when you are done."


def refresh_endpoint_states(workspace: Workspace, client) -> list[EndpointStatus]:
    """Ask Together for each saved endpoint's state, and clear the running record of
    those that stopped (after the auto-stop, for example)."""
    statuses = []
    for target in list_targets(workspace):
        if target.kind != "together_endpoint" or not target.endpoint_id:
            continue
        status = get_endpoint(client, target.endpoint_id)
        statuses.append(status)
        if status.state in ("STOPPED", "ERROR") and target.settings.get("started_at"):
            set_started_at(workspace, target.endpoint_id, None)
    return statuses


# Downloads -----------------------------------------------------------------------------

def download_path(workspace: Workspace, job_id: str, checkpoint: str) -> Path:
    return workspace.root / "models" / f"{job_id}-{checkpoint}.tar.zst"


def download_weights(
    workspace: Workspace,
    client,
    job_id: str,
    *,
    checkpoint: str = "adapter",
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Download the job's adapter or merged weights (a .tar.zst archive) into the workspace.

    Bytes go to a `.part` file first; a later call resumes from its size with an HTTP
    Range request, and the archive is renamed into place only when complete. `progress`
    gets (bytes so far, total bytes or None). It may raise DownloadCancelled to stop the
    download; that exception passes through and the part file keeps what arrived.
    """
    if checkpoint not in ("adapter", "merged"):
        raise ServingError(f"checkpoint must be 'adapter' or 'merged', not {checkpoint!r}.")
    import httpx
    import together

    final = download_path(workspace, job_id, checkpoint)
    partial = final.with_name(final.name + ".part")
    final.parent.mkdir(parents=True, exist_ok=True)
    offset = partial.stat().st_size if partial.exists() else 0
    log.info("downloading %s weights of job %s from byte %d", checkpoint, job_id, offset)

    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        with client.fine_tuning.with_streaming_response.content(
            ft_id=job_id, checkpoint=checkpoint, extra_headers=headers,
        ) as response:
            if response.status_code == 200 and offset:
                # The server ignored the Range header: start again from the first byte.
                log.info("server sent the whole archive of job %s; restarting the download", job_id)
                offset = 0
            total = total_size(response.headers, offset)
            mode = "ab" if offset else "wb"
            done = offset
            with partial.open(mode) as file:
                for chunk in response.iter_bytes():
                    file.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
    except together.APIStatusError as error:
        if error.status_code == 416 and offset:
            # The part file already contains every byte, so the download is complete.
            partial.replace(final)
            return final
        raise ServingError(
            f"Together rejected the {checkpoint} download of {job_id} (HTTP {error.status_code}). "
            "Check that the job is completed and try again."
        ) from error
    except (together.APIConnectionError, httpx.TransportError, OSError) as error:
        log.warning("download of job %s stopped at byte %d: %s", job_id, partial.stat().st_size if partial.exists() else 0,
                    type(error).__name__)
        raise ServingError(
            f"The download of {job_id} stopped ({type(error).__name__}); {partial} keeps what "
            "arrived. Run the download again to resume."
        ) from error

    if total is not None and partial.stat().st_size != total:
        raise ServingError(
            f"The download of {job_id} ended at {partial.stat().st_size} of {total} bytes; run it again to resume."
        )
    partial.replace(final)
    log.info("downloaded %s weights of job %s to %s", checkpoint, job_id, final)
    return final


def total_size(headers: Any, offset: int) -> int | None:
    """Return the archive's full size from Content-Range ('bytes a-b/total') or
    Content-Length plus the resume offset; None when the server sent neither."""
    content_range = headers.get("content-range")
    if content_range and "/" in content_range and not content_range.endswith("/*"):
        return int(content_range.rsplit("/", 1)[1])
    length = headers.get("content-length")
    return int(length) + offset if length else None

