"""The sandbox's simulated clock: real time scaled by the server's speed, plus manual steps.

Simulated jobs read their progress from this clock, so a demo runs a job in a minute at a
high speed and a test can freeze time (speed 0) and move it forward exactly.
"""

from __future__ import annotations

import time

from persona_tui.sandbox.server import SandboxState


def clock(state: SandboxState) -> dict:
    with state.lock:
        return state.data.setdefault("clock", {"started": time.monotonic(), "offset": 0.0})


def simulated_seconds(state: SandboxState) -> float:
    """Return the simulated seconds since the sandbox started."""
    data = clock(state)
    return data["offset"] + (time.monotonic() - data["started"]) * state.speed


def advance_clock(state: SandboxState, seconds: float) -> float:
    """Move the simulated clock forward by `seconds` and return the new simulated time."""
    with state.lock:
        clock(state)["offset"] += seconds
    return simulated_seconds(state)


def wall_time(state: SandboxState, simulated: float) -> float:
    """Return the Unix time shown for simulated second `simulated`, for timestamps in replies."""
    data = clock(state)
    with state.lock:
        epoch = data.setdefault("epoch", time.time())
    return epoch + simulated
