"""Read-only queries over the workspace schema for the Export tab: the build statistics
and the latest dataset. Plain SQL on the shared tables, no Textual."""

from __future__ import annotations

from typing import Any

import orjson

from persona_tui.workspace import Workspace


def build_statistics(workspace: Workspace) -> tuple[str, dict[str, Any]] | None:
    """Return (built_at, statistics) of the latest build, or None before the first build."""
    row = workspace.db.execute("SELECT built_at, stats FROM build_stats WHERE id = 1").fetchone()
    return None if row is None else (row[0], orjson.loads(row[1]))


def flatten_statistics(stats: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Return nested statistics as ('step.figure', value) pairs in their stored order."""
    lines: list[tuple[str, Any]] = []
    for name, value in stats.items():
        label = f"{prefix}{name}"
        if isinstance(value, dict):
            lines.extend(flatten_statistics(value, label + "."))
        else:
            lines.append((label, value))
    return lines


def latest_dataset(workspace: Workspace) -> dict[str, Any] | None:
    row = workspace.db.execute(
        "SELECT created_at, train_path, validation_path, train_count, validation_count, token_estimate "
        "FROM datasets ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else dict(row)
