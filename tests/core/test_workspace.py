import sqlite3

import pytest

from persona_tui.workspace import SCHEMA_VERSION, Workspace, WorkspaceError, write_atomically


def test_open_creates_schema(tmp_path):
    with Workspace.open(tmp_path / "ws") as workspace:
        assert workspace.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert workspace.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopen_keeps_settings(tmp_path):
    with Workspace.open(tmp_path) as workspace:
        workspace.set_setting("gap_minutes", 45)
    with Workspace.open(tmp_path) as workspace:
        assert workspace.get_setting("gap_minutes") == 45


def test_newer_schema_rejected(tmp_path):
    with Workspace.open(tmp_path):
        pass
    connection = sqlite3.connect(tmp_path / "persona.sqlite3")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(WorkspaceError, match="Upgrade persona-tui"):
        Workspace.open(tmp_path)


def test_not_a_database_rejected(tmp_path):
    (tmp_path / "persona.sqlite3").write_text("this is not sqlite, just text " * 100)
    with pytest.raises(WorkspaceError, match="not a persona-tui workspace"):
        Workspace.open(tmp_path)


def test_transaction_rolls_back(tmp_path):
    with Workspace.open(tmp_path) as workspace:
        with pytest.raises(RuntimeError):
            with workspace.transaction():
                workspace.set_setting("persona_author_id", 1)
                raise RuntimeError("boom")
        assert workspace.get_setting("persona_author_id") is None


def test_write_atomically_replaces(tmp_path):
    target = tmp_path / "out" / "train.jsonl"
    write_atomically(target, b"one\n")
    write_atomically(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert [p.name for p in target.parent.iterdir()] == ["train.jsonl"]
