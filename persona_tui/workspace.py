"""The workspace: one directory per persona with a SQLite database and the files it writes.

The database runs in WAL mode so the TUI, the CLI and the bot worker can read while one of
them writes. Every schema change is a numbered migration. `Workspace.open` applies the
missing ones inside a transaction, so an old workspace is upgraded in place and a failed
upgrade leaves it as it was.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)

DATABASE_NAME = "persona.sqlite3"

# Each entry migrates the schema from version N to N+1 (index N). Append, never edit a
# released entry: workspaces in the field are at every version.
MIGRATIONS: list[str] = [
    # Version 1.
    """
    -- Sources: every file, package or fetch that was imported, successful or not.
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        kind TEXT NOT NULL,              -- 'dce', 'package', 'fetch'
        checksum TEXT,                   -- sha256 hex of the file's bytes
        size_bytes INTEGER,
        imported_at TEXT NOT NULL,       -- ISO-8601 UTC
        status TEXT NOT NULL,            -- 'ok', 'failed'
        error TEXT,                      -- the message shown to the user when failed
        message_count INTEGER NOT NULL DEFAULT 0,   -- messages read from the source
        new_count INTEGER NOT NULL DEFAULT 0,       -- messages that were not yet stored
        one_sided INTEGER NOT NULL DEFAULT 0        -- 1 when the source holds only the owner's side
    );
    CREATE INDEX sources_checksum ON sources(checksum);

    CREATE TABLE channels (
        id INTEGER PRIMARY KEY,          -- snowflake
        guild_id INTEGER,
        guild_name TEXT,
        name TEXT,
        kind TEXT NOT NULL               -- 'dm', 'group', 'guild', 'thread', 'unknown'
    );

    CREATE TABLE authors (
        id INTEGER PRIMARY KEY,          -- snowflake
        name TEXT NOT NULL,              -- username
        display_name TEXT,               -- nickname or global display name
        is_bot INTEGER NOT NULL DEFAULT 0
    );

    -- Messages keyed by snowflake, so re-imports and overlapping exports add nothing.
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        author_id INTEGER NOT NULL,
        timestamp_ms INTEGER NOT NULL,   -- UTC milliseconds since the Unix epoch
        type TEXT NOT NULL,              -- DCE MessageKind name or numeric string
        content TEXT NOT NULL,
        attachment_count INTEGER NOT NULL DEFAULT 0,
        embed_count INTEGER NOT NULL DEFAULT 0,
        sticker_count INTEGER NOT NULL DEFAULT 0,
        is_interaction INTEGER NOT NULL DEFAULT 0,
        reply_to INTEGER,                -- referenced message id
        source_id INTEGER NOT NULL REFERENCES sources(id)
    );
    -- SQLite appends the rowid (the message id) to every index entry, so this index is in
    -- (channel_id, timestamp_ms, id) order, the order the build reads in.
    CREATE INDEX messages_channel_time ON messages(channel_id, timestamp_ms);
    CREATE INDEX messages_author ON messages(author_id);

    -- Key-value settings; values are JSON. Pipeline settings, persona author id, bot settings.
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    -- Samples of the latest build. `position` orders them by time for the inspector.
    CREATE TABLE samples (
        key TEXT PRIMARY KEY,            -- stable content hash, see pipeline/sample.py
        position INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        started_ms INTEGER NOT NULL,
        ended_ms INTEGER NOT NULL,
        split TEXT NOT NULL,             -- 'train' or 'validation'
        turn_count INTEGER NOT NULL,
        redaction_count INTEGER NOT NULL,
        token_estimate INTEGER NOT NULL,
        preview TEXT NOT NULL,           -- the first words, for the sample list
        turns TEXT NOT NULL              -- JSON list of turns as built, see pipeline/sample.py
    );
    CREATE UNIQUE INDEX samples_position ON samples(position);

    -- Review decisions, keyed like samples but kept across rebuilds: a rebuild replaces
    -- `samples` and leaves these rows, so unchanged samples keep their decisions.
    CREATE TABLE reviews (
        key TEXT PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'unreviewed',   -- 'unreviewed', 'accepted', 'rejected'
        edited_turns TEXT,               -- JSON turns after the reviewer's edits, or NULL
        updated_at TEXT NOT NULL
    );

    -- Statistics of the latest build, one JSON document.
    CREATE TABLE build_stats (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        built_at TEXT NOT NULL,
        stats TEXT NOT NULL
    );

    CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        train_path TEXT NOT NULL,
        validation_path TEXT,
        train_count INTEGER NOT NULL,
        validation_count INTEGER NOT NULL,
        train_sha256 TEXT NOT NULL,
        validation_sha256 TEXT,
        token_estimate INTEGER NOT NULL
    );

    -- Fine-tuning jobs. A row is written with status 'creating' and an intent key before
    -- the create request is sent, so a retry can look for the job instead of making another.
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        intent_key TEXT NOT NULL UNIQUE,
        job_id TEXT UNIQUE,              -- Together's 'ft-...' id once known
        status TEXT NOT NULL,
        model TEXT NOT NULL,
        suffix TEXT,
        settings TEXT NOT NULL,          -- JSON of the create parameters
        train_file_id TEXT,
        validation_file_id TEXT,
        output_name TEXT,
        detail TEXT,                     -- JSON of the latest job object
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sandbox INTEGER NOT NULL DEFAULT 0
    );

    -- Files uploaded to Together, keyed by content hash and API base URL, so a relaunch
    -- with the same dataset reuses the validated file instead of uploading it again.
    CREATE TABLE uploaded_files (
        sha256 TEXT NOT NULL,
        base_url TEXT NOT NULL,          -- '' for the real API
        file_id TEXT NOT NULL,
        processing_status TEXT NOT NULL,
        uploaded_at TEXT NOT NULL,
        PRIMARY KEY (sha256, base_url)
    );

    CREATE TABLE job_metrics (
        job_id TEXT NOT NULL,
        step INTEGER NOT NULL,
        kind TEXT NOT NULL,              -- 'train' or 'eval'
        loss REAL NOT NULL,
        epoch REAL,
        learning_rate REAL,
        PRIMARY KEY (job_id, step, kind)
    );

    CREATE TABLE job_events (
        job_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        type TEXT,
        level TEXT,
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, created_at, message)
    );

    -- What the Chat tab and the bot talk to.
    CREATE TABLE model_targets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,              -- 'together', 'together_endpoint', 'openai'
        model TEXT NOT NULL,
        base_url TEXT,
        endpoint_id TEXT,
        settings TEXT NOT NULL DEFAULT '{}'
    );

    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        title TEXT NOT NULL,
        target_id INTEGER,
        compare_target_id INTEGER
    );

    CREATE TABLE chat_messages (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        pane TEXT NOT NULL,              -- 'user', 'tuned' or 'base'
        content TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (chat_id, seq, pane)
    );

    CREATE TABLE bot_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        stopped_at TEXT,
        pid INTEGER,
        exit_reason TEXT
    );

    -- Where each channel fetch through the bot stopped, so the next one resumes there.
    CREATE TABLE fetch_state (
        channel_id INTEGER PRIMARY KEY,
        last_message_id INTEGER,
        fetched_count INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class WorkspaceError(Exception):
    """A workspace that cannot be opened or upgraded; the message says why and what to do."""


def default_workspace_dir() -> Path:
    """Return the default workspace directory under the platform's user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("persona-tui", appauthor=False)) / "default"


class Workspace:
    """An open workspace: its directory and one SQLite connection."""

    def __init__(self, root: Path, connection: sqlite3.Connection) -> None:
        self.root = root
        self.db = connection
        # The app's worker threads share this one connection, and SQLite transactions belong
        # to the connection, not the thread: without this lock a second thread's BEGIN or
        # ROLLBACK would land inside the first thread's transaction.
        self.write_lock = threading.RLock()

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        """Open the workspace at `root` (the default one when None), creating it if needed."""
        root = Path(root) if root is not None else default_workspace_dir()
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WorkspaceError(
                f"Cannot create the workspace directory {root}: {error.strerror}. "
                "Choose another with --workspace DIR."
            ) from error

        path = root / DATABASE_NAME
        try:
            # check_same_thread=False: the TUI reads from worker threads; SQLite serialises
            # access internally and every write goes through `transaction()`.
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as error:
            raise WorkspaceError(
                f"{path} is not a persona-tui workspace database ({error}). "
                "Choose another directory with --workspace DIR."
            ) from error

        workspace = cls(root, connection)
        workspace._migrate()
        log.info("opened workspace %s (schema version %d)", root, SCHEMA_VERSION)
        return workspace

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"The workspace {self.root} has schema version {version}, newer than this "
                f"persona-tui understands ({SCHEMA_VERSION}). Upgrade persona-tui."
            )

        for index in range(version, SCHEMA_VERSION):
            log.info("migrating workspace %s to schema version %d", self.root, index + 1)
            # executescript() commits implicitly, so the migration's statements and the
            # version bump are wrapped in one explicit transaction of their own.
            self.db.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[index]}\nPRAGMA user_version = {index + 1};\nCOMMIT;"
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one IMMEDIATE transaction: all its writes land, or none do.
        Transactions of other threads on this workspace wait until it ends."""
        with self.write_lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")

    # Settings ---------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else orjson.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        # Under the write lock, so the write is never swept into (or rolled back with)
        # another thread's open transaction on the shared connection.
        with self.write_lock:
            self.db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, orjson.dumps(value).decode()),
            )

    # Files ------------------------------------------------------------------------------

    @property
    def datasets_dir(self) -> Path:
        return self.root / "datasets"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def bot_dir(self) -> Path:
        return self.root / "bot"


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename, so readers never see
    a half-written file and a crash leaves the old file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
