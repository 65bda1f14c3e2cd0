"""The `fetch_state` table: the newest stored message of each channel fetched through the bot.

The messages themselves go through `persona_tui.sources.store`, like every importer's.
"""

from __future__ import annotations

import sqlite3

from persona_tui.sources.store import now_iso


def save_fetch_state(db: sqlite3.Connection, channel_id: int, last_message_id: int, added: int) -> None:
    """Record the newest stored message of `channel_id` and add `added` to its count."""
    db.execute(
        "INSERT INTO fetch_state(channel_id, last_message_id, fetched_count, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(channel_id) DO UPDATE SET last_message_id = excluded.last_message_id, "
        "fetched_count = fetched_count + ?, updated_at = excluded.updated_at",
        (channel_id, last_message_id, added, now_iso(), added),
    )


def last_fetched_id(db: sqlite3.Connection, channel_id: int) -> int | None:
    row = db.execute("SELECT last_message_id FROM fetch_state WHERE channel_id = ?", (channel_id,)).fetchone()
    return None if row is None else row[0]
