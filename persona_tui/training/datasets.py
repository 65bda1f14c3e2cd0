"""Find the dataset files to train on: the latest row of the `datasets` table."""

from __future__ import annotations

from pathlib import Path

from persona_tui.workspace import Workspace


def latest_dataset(workspace: Workspace) -> tuple[Path, Path | None] | None:
    """Return (train path, validation path or None) of the latest export, or None."""
    row = workspace.db.execute(
        "SELECT train_path, validation_path FROM datasets ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    train = Path(row[0])
    if not train.is_absolute():
        train = workspace.root / train
    validation = None
    if row[1]:
        validation = Path(row[1]) if Path(row[1]).is_absolute() else workspace.root / row[1]
    return train, validation
