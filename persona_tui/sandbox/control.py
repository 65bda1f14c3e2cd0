"""The sandbox's control route, for demos and tests that run the sandbox in another process.

`POST /sandbox/control` with any of these JSON keys:
- `advance_seconds`: move the simulated clock forward;
- `fail_next_job_at_step`: the next job created ends in `error` at that step;
- `fail_after_create`: the next N create requests make the job but return 502;
- `invalid_next_file`: the next preprocessed file fails validation with this error.
"""

from __future__ import annotations

from persona_tui.sandbox.clock import advance_clock, simulated_seconds
from persona_tui.sandbox.files import force_invalid_next_file
from persona_tui.sandbox.fine_tunes import fine_tunes_state
from persona_tui.sandbox.server import Request, Response, SandboxState, route


@route("POST", r"/sandbox/control")
def control(state: SandboxState, request: Request) -> Response:
    body = request.json() or {}
    if "advance_seconds" in body:
        advance_clock(state, float(body["advance_seconds"]))
    data = fine_tunes_state(state)
    with state.lock:
        if "fail_next_job_at_step" in body:
            data["fail_next_job_at_step"] = body["fail_next_job_at_step"]
        if "fail_after_create" in body:
            data["fail_after_create"] = int(body["fail_after_create"])
    if body.get("invalid_next_file"):
        force_invalid_next_file(state, str(body["invalid_next_file"]))
    return Response(200, {"simulated_seconds": simulated_seconds(state)})
