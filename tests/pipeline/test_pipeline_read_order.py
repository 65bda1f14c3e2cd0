"""The build reads messages in conversation order straight from an index."""

from persona_tui.pipeline.build import READ_MESSAGES


def test_read_uses_index_without_sort(workspace):
    plan = " | ".join(row[3] for row in workspace.db.execute("EXPLAIN QUERY PLAN " + READ_MESSAGES))

    assert "USING INDEX messages_channel_time" in plan
    assert "TEMP B-TREE" not in plan


def test_read_orders_ties_by_id(workspace):
    # Same channel and time: the id decides, as the rowid the index entries end with.
    with workspace.transaction() as db:
        db.execute("INSERT INTO sources (id, path, kind, imported_at, status) VALUES (1, 'x', 'dce', 'now', 'ok')")
        for message_id, channel_id, timestamp_ms in [(30, 5, 100), (10, 5, 100), (20, 4, 900), (40, 5, 50)]:
            db.execute(
                "INSERT INTO messages (id, channel_id, author_id, timestamp_ms, type, content, source_id) "
                "VALUES (?, ?, 1, ?, 'Default', 'x', 1)",
                (message_id, channel_id, timestamp_ms),
            )

    ids = [row[0] for row in workspace.db.execute(READ_MESSAGES)]

    assert ids == [20, 40, 10, 30]


def test_chunks_cut_at_silences(monkeypatch):
    import sqlite3

    from persona_tui.pipeline import build

    monkeypatch.setattr(build, "CHUNK", 3)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE rows (id INTEGER, channel_id INTEGER, author_id INTEGER, timestamp_ms INTEGER)")
    times = [(1, 0), (1, 1), (1, 2), (1, 3), (1, 100), (1, 101), (1, 102), (2, 0), (2, 1), (2, 2)]
    db.executemany("INSERT INTO rows VALUES (?, ?, 0, ?)", [(i, c, t) for i, (c, t) in enumerate(times)])

    cursor = db.execute("SELECT * FROM rows ORDER BY id")
    chunks = [[row[0] for row in chunk] for chunk in build._read_chunks(cursor, 50)]

    # Three rows before any cut, then the first silence (3 -> 100) or channel change.
    assert chunks == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
