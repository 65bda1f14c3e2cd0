"""Completion of file and folder paths for an Input: the suggestion is the first entry of
the typed folder that starts with the typed name, and Right accepts it."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


def complete_path(value: str) -> str | None:
    """Return `value` completed to the first matching file or folder, or None.

    Folders complete with a trailing separator so the next Right continues inside them.
    """
    if not value:
        return None
    expanded = os.path.expanduser(value)
    folder, prefix = os.path.split(expanded)
    try:
        names = sorted(entry.name for entry in os.scandir(folder or ".") if entry.name.startswith(prefix))
    except OSError:
        return None
    for name in names:
        if name.startswith(".") and not prefix.startswith("."):
            continue
        completed = os.path.join(folder, name)
        if Path(completed).is_dir():
            completed += os.sep
        # Keep the user's '~' so the suggestion extends what they typed.
        return value + completed[len(expanded):]
    return None


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)
