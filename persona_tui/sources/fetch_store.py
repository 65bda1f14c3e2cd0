"""Storing fetched messages in the workspace.

TODO: switch to `persona_tui.sources.store` once the importers' storage lands; this small
writer fills the same tables with the same rules (messages keyed by snowflake, so a
re-fetch adds nothing).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from persona_tui.sources.records import AuthorRecord, ChannelRecord, MessageRecord


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def begin_fetch_source(db: Any, channel_id: int) -> int:
    """Insert the `sources` row for one fetch and return its id."""
    return db.execute(
        "INSERT INTO sources(path, kind, imported_at, status) VALUES (?, 'fetch', ?, 'ok')",
        (f"discord:channel/{channel_id}", utc_now_iso()),
    ).lastrowid


def store_batch(
    db: Any,
    source_id: int,
    channel: ChannelRecord,
    authors: list[AuthorRecord],
    messages: list[MessageRecord],
) -> int:
    """Store one batch and return how many messages were new."""
    db.execute(
        "INSERT INTO channels(id, guild_id, guild_name, name, kind) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET guild_id = excluded.guild_id, guild_name = excluded.guild_name, "
        "name = excluded.name, kind = excluded.kind",
        (channel.id, channel.guild_id, channel.guild_name, channel.name, channel.kind),
    )
    db.executemany(
        "INSERT INTO authors(id, name, display_name, is_bot) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, display_name = excluded.display_name, "
        "is_bot = excluded.is_bot",
        [(author.id, author.name, author.display_name, int(author.is_bot)) for author in authors],
    )
    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO messages(id, channel_id, author_id, timestamp_ms, type, content, attachment_count, "
        "embed_count, sticker_count, is_interaction, reply_to, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                message.id, message.channel_id, message.author_id, message.timestamp_ms, message.type,
                message.content, message.attachment_count, message.embed_count, message.sticker_count,
                int(message.is_interaction), message.reply_to, source_id,
            )
            for message in messages
        ],
    )
    new_count = db.total_changes - before
    db.execute(
        "UPDATE sources SET message_count = message_count + ?, new_count = new_count + ? WHERE id = ?",
        (len(messages), new_count, source_id),
    )
    return new_count


def save_fetch_state(db: Any, channel_id: int, last_message_id: int, added: int) -> None:
    db.execute(
        "INSERT INTO fetch_state(channel_id, last_message_id, fetched_count, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(channel_id) DO UPDATE SET last_message_id = excluded.last_message_id, "
        "fetched_count = fetched_count + ?, updated_at = excluded.updated_at",
        (channel_id, last_message_id, added, utc_now_iso(), added),
    )


def last_fetched_id(db: Any, channel_id: int) -> int | None:
    row = db.execute("SELECT last_message_id FROM fetch_state WHERE channel_id = ?", (channel_id,)).fetchone()
    return None if row is None else row[0]
