"""Logging setup shared by the CLI, the TUI and the bot worker.

Logs go to `<workspace>/logs/persona-tui.log`. The TUI owns the terminal, so it never
logs to stderr; the CLI adds a stderr handler at WARNING (or DEBUG with --verbose).
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_dir: Path, *, stderr_level: int | None = None, file_name: str = "persona-tui.log") -> Path:
    """Send log records to a rotating file in `log_dir` (and stderr at `stderr_level`)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / file_name
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)

    for handler in list(root.handlers):
        if getattr(handler, "_persona_tui", False):
            root.removeHandler(handler)
            handler.close()

    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(logging.Formatter(FORMAT))
    file_handler._persona_tui = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)

    if stderr_level is not None:
        stream_handler = logging.StreamHandler()
        stream_handler.setLevel(stderr_level)
        stream_handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        stream_handler._persona_tui = True  # type: ignore[attr-defined]
        root.addHandler(stream_handler)

    return path
