"""The files the bot worker keeps in the workspace's bot directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BotPaths:
    root: Path

    @property
    def pid_file(self) -> Path:
        return self.root / "worker.pid"

    @property
    def lock_file(self) -> Path:
        # Held with flock by the running worker for its whole life.
        return self.root / "worker.lock"

    @property
    def start_lock_file(self) -> Path:
        # Held briefly by `bot start` so two starts at once cannot both spawn a worker.
        return self.root / "start.lock"

    @property
    def status_file(self) -> Path:
        return self.root / "status.json"

    @property
    def log_file(self) -> Path:
        return self.root / "worker.log"

    @property
    def kill_switch_file(self) -> Path:
        return self.root / "KILL_SWITCH"
