"""Read-only views of what was imported: the authors and the sources of a workspace."""

from __future__ import annotations

from dataclasses import dataclass

from persona_tui.workspace import Workspace


@dataclass(frozen=True, slots=True)
class AuthorSummary:
    """One author of the imported history, with how much they wrote and when."""

    id: int
    name: str
    display_name: str | None
    is_bot: bool
    message_count: int
    first_ms: int | None        # UTC milliseconds of their first message, None without messages
    last_ms: int | None


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One row of the `sources` table: a file, package or fetch and how its import went."""

    id: int
    path: str
    kind: str
    status: str                 # 'ok' or 'failed'
    error: str | None
    imported_at: str
    message_count: int
    new_count: int
    one_sided: bool
    checksum: str | None


def list_authors(workspace: Workspace) -> list[AuthorSummary]:
    """Return every author with their message counts, the most prolific first."""
    rows = workspace.db.execute(
        """
        SELECT a.id, a.name, a.display_name, a.is_bot,
               count(m.id) AS message_count, min(m.timestamp_ms), max(m.timestamp_ms)
        FROM authors AS a LEFT JOIN messages AS m ON m.author_id = a.id
        GROUP BY a.id
        ORDER BY message_count DESC, a.id
        """
    ).fetchall()
    return [
        AuthorSummary(
            id=row[0], name=row[1], display_name=row[2], is_bot=bool(row[3]),
            message_count=row[4], first_ms=row[5], last_ms=row[6],
        )
        for row in rows
    ]


def list_sources(workspace: Workspace) -> list[SourceSummary]:
    """Return every import attempt, oldest first."""
    rows = workspace.db.execute(
        "SELECT id, path, kind, status, error, imported_at, message_count, new_count, one_sided, checksum "
        "FROM sources ORDER BY id"
    ).fetchall()
    return [
        SourceSummary(
            id=row[0], path=row[1], kind=row[2], status=row[3], error=row[4], imported_at=row[5],
            message_count=row[6], new_count=row[7], one_sided=bool(row[8]), checksum=row[9],
        )
        for row in rows
    ]
