"""Read-only queries over the workspace schema for the Export tab: sources, authors,
build statistics and datasets. Plain SQL on the shared tables, no Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from persona_tui.workspace import Workspace


@dataclass(slots=True)
class SourceLine:
    path: str
    kind: str
    status: str
    message_count: int
    new_count: int
    error: str | None


@dataclass(slots=True)
class AuthorLine:
    author_id: int
    name: str
    display_name: str | None
    is_bot: bool
    message_count: int
    first_ms: int
    last_ms: int


def source_lines(workspace: Workspace) -> list[SourceLine]:
    cursor = workspace.db.execute(
        "SELECT path, kind, status, message_count, new_count, error FROM sources ORDER BY id"
    )
    return [SourceLine(*row) for row in cursor]


def author_lines(workspace: Workspace) -> list[AuthorLine]:
    """Return the authors with their message counts and first/last message times, most
    messages first."""
    cursor = workspace.db.execute(
        "SELECT a.id, a.name, a.display_name, a.is_bot, count(m.id), min(m.timestamp_ms), max(m.timestamp_ms) "
        "FROM authors a JOIN messages m ON m.author_id = a.id "
        "GROUP BY a.id ORDER BY count(m.id) DESC, a.name"
    )
    return [AuthorLine(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6]) for row in cursor]


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
