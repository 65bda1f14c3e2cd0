"""Writing imported sources, channels, authors and messages into the workspace.

Every importer (DCE files, the data package, fetches through the bot) ends here. Messages
are keyed by their snowflake and inserted with INSERT OR IGNORE, so a re-export, an
overlapping partition or a second fetch only adds the messages that are not stored yet.
The functions take an open connection and never commit: the caller owns the transaction,
which is what lets a failed or cancelled file roll back whole.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from persona_tui.sources.records import AuthorRecord, ChannelRecord, MessageRecord

log = logging.getLogger(__name__)

# Column order of the `messages` table, which `message_row` and `insert_message_rows` follow.
MESSAGE_COLUMNS = (
    "id, channel_id, author_id, timestamp_ms, type, content, attachment_count, "
    "embed_count, sticker_count, is_interaction, reply_to, source_id"
)

INSERT_MESSAGE = f"INSERT OR IGNORE INTO messages ({MESSAGE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"

# A later import refreshes names, because people rename themselves, but a source that
# lacks a display name (the data package) does not erase one that another source gave.
UPSERT_AUTHOR = """
    INSERT INTO authors (id, name, display_name, is_bot) VALUES (?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET
        name = excluded.name,
        display_name = COALESCE(excluded.display_name, authors.display_name),
        is_bot = excluded.is_bot
"""

# The same rule for channels: a source that cannot tell the kind ('unknown') or the name
# keeps what an earlier source stored.
UPSERT_CHANNEL = """
    INSERT INTO channels (id, guild_id, guild_name, name, kind) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET
        guild_id = COALESCE(excluded.guild_id, channels.guild_id),
        guild_name = COALESCE(excluded.guild_name, channels.guild_name),
        name = COALESCE(excluded.name, channels.name),
        kind = CASE WHEN excluded.kind = 'unknown' THEN channels.kind ELSE excluded.kind END
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def insert_source(
    db: sqlite3.Connection,
    *,
    path: str,
    kind: str,
    checksum: str | None,
    size_bytes: int | None,
    status: str = "ok",
    error: str | None = None,
    one_sided: bool = False,
) -> int:
    """Insert a `sources` row and return its id; `add_source_counts` fills in the counts."""
    cursor = db.execute(
        "INSERT INTO sources (path, kind, checksum, size_bytes, imported_at, status, error, one_sided) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (path, kind, checksum, size_bytes, now_iso(), status, error, int(one_sided)),
    )
    return int(cursor.lastrowid)


def add_source_counts(db: sqlite3.Connection, source_id: int, *, message_count: int, new_count: int) -> None:
    db.execute(
        "UPDATE sources SET message_count = message_count + ?, new_count = new_count + ? WHERE id = ?",
        (message_count, new_count, source_id),
    )


def set_source_checksum(db: sqlite3.Connection, source_id: int, checksum: str) -> None:
    db.execute("UPDATE sources SET checksum = ? WHERE id = ?", (checksum, source_id))


def message_row(message: MessageRecord, source_id: int) -> tuple:
    """Return the `messages` row of one record, in MESSAGE_COLUMNS order."""
    return (
        message.id, message.channel_id, message.author_id, message.timestamp_ms, message.type,
        message.content, message.attachment_count, message.embed_count, message.sticker_count,
        int(message.is_interaction), message.reply_to, source_id,
    )


def insert_message_rows(db: sqlite3.Connection, rows: Iterable[tuple]) -> int:
    """Insert prepared message rows, skip ids already stored, and return how many were new."""
    before = db.total_changes
    db.executemany(INSERT_MESSAGE, rows)
    return db.total_changes - before


@contextmanager
def message_indexes_deferred(db: sqlite3.Connection) -> Iterator[None]:
    """Drop the secondary indexes of `messages` for the block and create them again after
    it, when the table is empty at the start. Otherwise leave them as they are.

    Building an index once over the loaded rows is faster than updating it on every
    insert: for 178,000 messages, about 0.11 s to create both against 0.24 s to keep them
    up to date. Run it inside a transaction, so that the rollback after an exception in
    the block brings the dropped indexes back.
    """
    if db.execute("SELECT EXISTS (SELECT 1 FROM messages)").fetchone()[0]:
        yield
        return

    # The statements come from the schema itself, so a migration that changes an index
    # changes what is created here too.
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        db.execute(sql)
    log.info("created %d indexes of messages after the bulk load", len(indexes))


def upsert_authors(db: sqlite3.Connection, authors: Iterable[AuthorRecord]) -> None:
    db.executemany(
        UPSERT_AUTHOR,
        [(author.id, author.name, author.display_name, int(author.is_bot)) for author in authors],
    )


def upsert_channels(db: sqlite3.Connection, channels: Iterable[ChannelRecord]) -> None:
    db.executemany(
        UPSERT_CHANNEL,
        [(channel.id, channel.guild_id, channel.guild_name, channel.name, channel.kind) for channel in channels],
    )


def store_batch(
    db: sqlite3.Connection,
    source_id: int,
    messages: Iterable[MessageRecord],
    authors: Iterable[AuthorRecord] = (),
    channels: Iterable[ChannelRecord] = (),
) -> int:
    """Store one batch of records under `source_id`, add its counts to the source's row,
    and return how many messages were new.

    Channels and authors are written first, so the messages of the batch always find them.
    Run it inside `Workspace.transaction()`: it does not commit.
    """
    upsert_channels(db, channels)
    upsert_authors(db, authors)
    rows = [message_row(message, source_id) for message in messages]
    new_count = insert_message_rows(db, rows)
    add_source_counts(db, source_id, message_count=len(rows), new_count=new_count)
    return new_count
