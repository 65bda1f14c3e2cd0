"""A helper that stores messages the way the importers do, until the importers land."""

import pytest

from persona_tui.workspace import Workspace

PERSONA = 1000
FRIEND = 2000
THIRD = 3000
BOT = 4000
CHANNEL = 500
MINUTE_MS = 60_000


class Store:
    """Inserts sources, authors, channels and messages into a workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.next_id = 10_000
        with workspace.transaction() as db:
            db.execute("INSERT INTO sources(id, path, kind, imported_at, status) VALUES (1, 'test.json', 'dce', '', 'ok')")
            db.execute("INSERT INTO sources(id, path, kind, imported_at, status, one_sided) "
                       "VALUES (2, 'package', 'package', '', 'ok', 1)")
            db.executemany("INSERT INTO authors(id, name, display_name, is_bot) VALUES (?,?,?,?)", [
                (PERSONA, "me", "Me", 0), (FRIEND, "friend", "Robin", 0),
                (THIRD, "third", None, 0), (BOT, "helper", "Helper", 1),
            ])
            db.execute("INSERT INTO channels(id, name, kind) VALUES (?, 'robin', 'dm')", (CHANNEL,))

    def channel(self, channel_id: int, name: str, kind: str) -> None:
        with self.workspace.transaction() as db:
            db.execute("INSERT INTO channels(id, name, kind) VALUES (?,?,?)", (channel_id, name, kind))

    def add(self, author: int, content: str, minute: float, *, channel: int = CHANNEL, type: str = "Default",
            attachments: int = 0, embeds: int = 0, stickers: int = 0, interaction: bool = False,
            source: int = 1) -> int:
        """Store one message `minute` minutes after the epoch and return its id."""
        self.next_id += 1
        with self.workspace.transaction() as db:
            db.execute(
                "INSERT INTO messages(id, channel_id, author_id, timestamp_ms, type, content, attachment_count, "
                "embed_count, sticker_count, is_interaction, source_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (self.next_id, channel, author, int(minute * MINUTE_MS), type, content, attachments, embeds,
                 stickers, int(interaction), source),
            )
        return self.next_id

    def conversation(self, lines: list[tuple[int, str, float]], **options) -> list[int]:
        return [self.add(author, content, minute, **options) for author, content, minute in lines]


@pytest.fixture
def store(workspace):
    return Store(workspace)
