"""The worker's status file: JSON written atomically, read by `bot status` and the Bot tab."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import orjson

from persona_tui.workspace import write_atomically

log = logging.getLogger(__name__)

# The states a worker reports. 'stopped' and 'failed' are final; the others mean alive.
STATES = ("starting", "connecting", "connected", "disconnected", "paused", "stopped", "failed")


@dataclass(slots=True)
class BotStatus:
    state: str = "stopped"
    pid: int | None = None
    connected_as: str | None = None      # 'name (user id)' once the gateway is ready
    since: str | None = None             # ISO-8601 UTC time the worker started
    updated_at: str | None = None        # ISO-8601 UTC time of this write
    replies_sent: int = 0                # Discord messages sent, after splitting
    model_calls: int = 0
    reconnects: int = 0
    last_error: str | None = None
    kill_switch: bool = False


def write_status(path: Path, status: BotStatus) -> None:
    write_atomically(path, orjson.dumps(dataclasses.asdict(status), option=orjson.OPT_INDENT_2))


def read_status(path: Path) -> BotStatus:
    """Read the status file, or return a 'stopped' status when there is none or it is unreadable."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return BotStatus()
    except (OSError, orjson.JSONDecodeError) as error:
        log.warning("cannot read the bot status file %s: %s", path, error)
        return BotStatus(last_error=f"unreadable status file {path}: {error}")

    known = {item.name for item in dataclasses.fields(BotStatus)}
    return BotStatus(**{key: value for key, value in data.items() if key in known})
