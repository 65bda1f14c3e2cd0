"""The kill switch: a flag file that makes the worker stop sending at once.

The TUI or `persona-tui bot kill-switch on` creates the file. The worker checks it before
each model call and each message it sends. Its watcher also polls the file every 0.5 s and
cancels replies in flight. The flag stays set across restarts until it is switched off.
"""

from __future__ import annotations

from pathlib import Path


def set_kill_switch(path: Path, on: bool) -> None:
    if on:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("on\n", encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def kill_switch_on(path: Path) -> bool:
    return path.exists()
