"""Sandbox routes for dedicated endpoints and their hardware, in Together's v1 REST shape.

SDK 3.1.1 has no methods for these paths (its `client.endpoints` is the v2 projects API),
so persona-tui calls them through the client's generic `get/post/patch/delete`. The shapes
follow Together's OpenAPI `CreateEndpointRequest`, `DedicatedEndpoint` and
`HardwareWithStatus`.

An endpoint's state is worked out from the simulated time since it was asked to start:
PENDING for the first PENDING_SECONDS, STARTING until READY_SECONDS, then STARTED. A stop
shows STOPPING for STOPPING_SECONDS, then STOPPED. A STARTED endpoint with an
`inactive_timeout` (minutes) stops by itself after that long without a chat request.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from persona_tui.sandbox.server import Request, Response, SandboxState, error_response, route

PENDING_SECONDS = 20
READY_SECONDS = 60
STOPPING_SECONDS = 10
OWNER = "sandbox-user"

# Hardware ids as Together names them, with sandbox prices in cents per minute.
# NOTE: the prices are examples for the sandbox, not Together's current list: $3.99/h for
# an H100 is the one price quoted in the facts file; the others are placeholders.
HARDWARE: dict[str, dict[str, Any]] = {
    "1x_nvidia_h100_80gb_sxm": {"cents_per_minute": 6.65, "gpu_type": "h100-80gb", "gpu_memory": 80, "gpu_count": 1},
    "1x_nvidia_a100_80gb_sxm": {"cents_per_minute": 4.27, "gpu_type": "a100-80gb", "gpu_memory": 80, "gpu_count": 1},
    "1x_nvidia_l40s_48gb": {"cents_per_minute": 2.5, "gpu_type": "l40s-48gb", "gpu_memory": 48, "gpu_count": 1},
}


def endpoint_records(state: SandboxState) -> dict[str, dict[str, Any]]:
    return state.data.setdefault("endpoints", {})


def simulated_seconds_since(state: SandboxState, moment: float) -> float:
    return (time.monotonic() - moment) * state.speed


def current_state(state: SandboxState, record: dict[str, Any]) -> str:
    """Work out the endpoint's state now, applying the auto-stop on the way."""
    if record["desired_state"] == "STOPPED":
        elapsed = simulated_seconds_since(state, record["state_changed_at"])
        return "STOPPING" if elapsed < STOPPING_SECONDS else "STOPPED"

    elapsed = simulated_seconds_since(state, record["state_changed_at"])
    if elapsed < PENDING_SECONDS:
        return "PENDING"
    if elapsed < READY_SECONDS:
        return "STARTING"

    timeout_minutes = record.get("inactive_timeout") or 0
    if timeout_minutes:
        ready_at = record["state_changed_at"] + READY_SECONDS / state.speed
        last_activity = max(ready_at, record.get("last_activity", 0.0))
        if simulated_seconds_since(state, last_activity) >= timeout_minutes * 60:
            # The auto-stop happened when the timeout ran out; the stop is already over.
            record["desired_state"] = "STOPPED"
            record["state_changed_at"] = last_activity + timeout_minutes * 60 / state.speed
            return current_state(state, record)
    return "STARTED"


def started_endpoint_names(state: SandboxState) -> set[str]:
    with state.lock:
        return {
            record["name"] for record in endpoint_records(state).values()
            if current_state(state, record) == "STARTED"
        }


def note_endpoint_activity(state: SandboxState, model: str) -> None:
    """Record a chat request to the endpoint called `model`, which resets its auto-stop."""
    with state.lock:
        for record in endpoint_records(state).values():
            if record["name"] == model:
                record["last_activity"] = time.monotonic()


def endpoint_json(state: SandboxState, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "endpoint",
        "id": record["id"],
        "name": record["name"],
        "display_name": record["display_name"],
        "model": record["model"],
        "hardware": record["hardware"],
        "type": "dedicated",
        "owner": OWNER,
        "state": current_state(state, record),
        "autoscaling": record["autoscaling"],
        "inactive_timeout": record.get("inactive_timeout"),
        "created_at": record["created_at"],
    }


def validate_autoscaling(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "autoscaling is required: {\"min_replicas\": int, \"max_replicas\": int}"
    low, high = value.get("min_replicas"), value.get("max_replicas")
    if not isinstance(low, int) or not isinstance(high, int) or low < 0 or high < max(low, 1):
        return "autoscaling needs integers with 0 <= min_replicas <= max_replicas and max_replicas >= 1"
    return None


@route("POST", r"/v1/endpoints")
def create_endpoint(state: SandboxState, request: Request) -> Response:
    body = request.json() or {}
    model, hardware = body.get("model"), body.get("hardware")
    if not isinstance(model, str) or not model:
        return error_response(400, "model is required")
    if hardware not in HARDWARE:
        return error_response(400, f"hardware {hardware!r} is not available for {model}; see GET /v1/hardware")
    problem = validate_autoscaling(body.get("autoscaling"))
    if problem:
        return error_response(400, problem)

    endpoint_id = f"endpoint-{uuid.uuid4()}"
    record = {
        "id": endpoint_id,
        "name": f"{OWNER}/{model.rsplit('/', 1)[-1]}-{endpoint_id[-8:]}",
        "display_name": body.get("display_name") or model,
        "model": model,
        "hardware": hardware,
        "autoscaling": body["autoscaling"],
        "inactive_timeout": body.get("inactive_timeout"),
        "desired_state": body.get("state") or "STARTED",
        "state_changed_at": time.monotonic(),
        "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    with state.lock:
        endpoint_records(state)[endpoint_id] = record
        return Response(200, endpoint_json(state, record))


@route("GET", r"/v1/endpoints")
def list_endpoints(state: SandboxState, request: Request) -> Response:
    with state.lock:
        data = [endpoint_json(state, record) for record in endpoint_records(state).values()]
    if request.query.get("type") == "serverless":
        data = []
    return Response(200, {"object": "list", "data": data})


@route("GET", r"/v1/endpoints/(?P<endpoint_id>[^/]+)")
def retrieve_endpoint(state: SandboxState, request: Request) -> Response:
    with state.lock:
        record = endpoint_records(state).get(request.params["endpoint_id"])
        if record is None:
            return error_response(404, f"Endpoint {request.params['endpoint_id']} not found", "not_found")
        return Response(200, endpoint_json(state, record))


@route("PATCH", r"/v1/endpoints/(?P<endpoint_id>[^/]+)")
def update_endpoint(state: SandboxState, request: Request) -> Response:
    body = request.json() or {}
    with state.lock:
        record = endpoint_records(state).get(request.params["endpoint_id"])
        if record is None:
            return error_response(404, f"Endpoint {request.params['endpoint_id']} not found", "not_found")

        if "state" in body:
            if body["state"] not in ("STARTED", "STOPPED"):
                return error_response(400, "state must be STARTED or STOPPED")
            now_state = current_state(state, record)
            if body["state"] != record["desired_state"]:
                record["desired_state"] = body["state"]
                record["state_changed_at"] = time.monotonic()
            elif body["state"] == "STARTED" and now_state == "STOPPED":
                record["state_changed_at"] = time.monotonic()
        if "autoscaling" in body:
            problem = validate_autoscaling(body["autoscaling"])
            if problem:
                return error_response(400, problem)
            record["autoscaling"] = body["autoscaling"]
        if "inactive_timeout" in body:
            record["inactive_timeout"] = body["inactive_timeout"]
        if "display_name" in body:
            record["display_name"] = body["display_name"]
        return Response(200, endpoint_json(state, record))


@route("DELETE", r"/v1/endpoints/(?P<endpoint_id>[^/]+)")
def delete_endpoint(state: SandboxState, request: Request) -> Response:
    with state.lock:
        record = endpoint_records(state).pop(request.params["endpoint_id"], None)
    if record is None:
        return error_response(404, f"Endpoint {request.params['endpoint_id']} not found", "not_found")
    return Response(204, None)


@route("GET", r"/v1/hardware")
def list_hardware(state: SandboxState, request: Request) -> Response:
    updated_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    data = []
    for hardware_id, spec in HARDWARE.items():
        item: dict[str, Any] = {
            "object": "hardware",
            "id": hardware_id,
            "pricing": {"cents_per_minute": spec["cents_per_minute"]},
            "specs": {
                "gpu_type": spec["gpu_type"],
                "gpu_link": "sxm",
                "gpu_memory": spec["gpu_memory"],
                "gpu_count": spec["gpu_count"],
            },
            "updated_at": updated_at,
        }
        if request.query.get("model"):
            item["availability"] = {"status": "available"}
        data.append(item)
    return Response(200, {"object": "list", "data": data})
