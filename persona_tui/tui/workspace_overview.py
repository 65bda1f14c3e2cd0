"""Read-only queries over the workspace schema for the Export tab: the latest dataset.
Plain SQL on the shared tables, no Textual."""

from __future__ import annotations

from typing import Any

from persona_tui.workspace import Workspace


def latest_dataset(workspace: Workspace) -> dict[str, Any] | None:
    row = workspace.db.execute(
        "SELECT created_at, train_path, validation_path, train_count, validation_count, token_estimate "
        "FROM datasets ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else dict(row)
