"""DCE export variants: partitions, overlap, markup, timestamps, types, layouts, old keys."""

import json
import logging
from datetime import UTC, datetime

import pytest

from persona_tui.sources import dce
from persona_tui.sources.dce import read_indented
from persona_tui.sources.importer import import_paths

CHANNEL_ID = "900000000000000001"


def epoch_ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)


def author(user_id="1001", name="alice", nickname="Alice", is_bot=False):
    return {"id": user_id, "name": name, "discriminator": "0000", "nickname": nickname,
            "color": None, "isBot": is_bot, "roles": [], "avatarUrl": "https://cdn.example/a.png"}


def message(message_id, content="hi", *, timestamp="2024-01-01T10:00:00+00:00", kind="Default",
            user=None, **extra):
    return {"id": str(message_id), "type": kind, "timestamp": timestamp, "timestampEdited": None,
            "callEndedTimestamp": None, "isPinned": False, "content": content,
            "author": user or author(), "attachments": [], "embeds": [], "stickers": [],
            "reactions": [], "mentions": [], **extra}


def export(messages, *, channel_type="DirectTextChat", channel_id=CHANNEL_ID, guild_id="0"):
    return {"guild": {"id": guild_id, "name": "Direct Messages" if guild_id == "0" else "A guild",
                      "iconUrl": None},
            "channel": {"id": channel_id, "type": channel_type, "categoryId": None, "category": None,
                        "name": "alice", "topic": None},
            "dateRange": {"after": None, "before": None},
            "exportedAt": "2025-01-01T00:00:00+00:00",
            "messages": messages, "messageCount": len(messages)}


def write(path, document, *, indent=2, newline="\n"):
    text = json.dumps(document, indent=indent, ensure_ascii=True)
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def stored(workspace, column="id"):
    return [row[0] for row in workspace.db.execute(f"SELECT {column} FROM messages ORDER BY id")]


def test_partitions_import_together(workspace, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder / "Direct Messages - alice [900000000000000001].json", export([message(i) for i in (1, 2, 3)]))
    write(folder / "Direct Messages - alice [900000000000000001] [part 2].json", export([message(i) for i in (4, 5)]))

    report = import_paths(workspace, [folder])

    assert [result.new_messages for result in report.sources] == [3, 2]
    assert stored(workspace) == [1, 2, 3, 4, 5]


def test_overlapping_reexport_adds_new(workspace, tmp_path):
    first = write(tmp_path / "first.json", export([message(i) for i in (1, 2, 3, 4)]))
    later = write(tmp_path / "later.json", export([message(i) for i in (3, 4, 5, 6)]))

    report = import_paths(workspace, [first, later])

    assert [result.messages_read for result in report.sources] == [4, 4]
    assert [result.new_messages for result in report.sources] == [4, 2]
    assert stored(workspace) == [1, 2, 3, 4, 5, 6]


def test_raw_markup_kept_as_exported(workspace, tmp_path):
    raw = "<:pog:123456789012345678> look <@1002> at <t:1700000000:R> in <#55>"
    path = write(tmp_path / "raw.json", export([message(1, raw), message(2, "rendered :pog: @Bob")]))

    import_paths(workspace, [path])

    assert stored(workspace, "content") == [raw, "rendered :pog: @Bob"]


@pytest.mark.parametrize("timestamp, expected", [
    ("2024-01-01T10:00:00+00:00", epoch_ms(2024, 1, 1, 10, 0, 0)),
    ("2024-01-01T10:00:00.5+00:00", epoch_ms(2024, 1, 1, 10, 0, 0) + 500),
    ("2024-01-01T10:00:00.25+00:00", epoch_ms(2024, 1, 1, 10, 0, 0) + 250),
    ("2024-01-01T10:00:00.123+00:00", epoch_ms(2024, 1, 1, 10, 0, 0) + 123),
    ("2024-01-01T10:00:00.1234567+00:00", epoch_ms(2024, 1, 1, 10, 0, 0) + 123),
    ("2022-05-26T23:19:27.384-04:00", epoch_ms(2022, 5, 27, 3, 19, 27) + 384),
    ("2024-01-01T05:30:00.1+05:30", epoch_ms(2024, 1, 1, 0, 0, 0) + 100),
    ("2024-01-01T10:00:00Z", epoch_ms(2024, 1, 1, 10, 0, 0)),
])
def test_timestamps_to_utc_ms(workspace, tmp_path, timestamp, expected):
    path = write(tmp_path / "time.json", export([message(1, timestamp=timestamp)]))

    import_paths(workspace, [path])

    assert stored(workspace, "timestamp_ms") == [expected]


def test_numeric_and_named_types(workspace, tmp_path):
    document = export([message(1, kind="Default"), message(2, kind="20"), message(3, kind="Reply"),
                       message(4, kind="ChannelPinnedMessage")])
    document["messages"][1]["type"] = "20"
    text = json.dumps(document, indent=2).replace('"type": "Reply"', '"type": 19')
    path = tmp_path / "types.json"
    path.write_text(text)

    import_paths(workspace, [path])

    assert stored(workspace, "type") == ["Default", "20", "19", "ChannelPinnedMessage"]


def test_missing_optional_keys(workspace, tmp_path):
    # An old export: no exportedAt, dateRange or messageCount; messages without stickers,
    # reactions, mentions, embeds or attachments; an author without nickname or isBot.
    document = {
        "guild": {"id": "0", "name": "Direct Messages"},
        "channel": {"id": CHANNEL_ID, "type": "DirectTextChat"},
        "messages": [{"id": "7", "type": "Default", "timestamp": "2020-02-02T02:02:02.2+00:00",
                      "content": "old", "author": {"id": "1001", "name": "alice"}}],
    }
    path = write(tmp_path / "old.json", document, indent=4)

    report = import_paths(workspace, [path])

    assert report.sources[0].status == "imported"
    row = workspace.db.execute("SELECT * FROM messages").fetchone()
    assert (row["id"], row["content"], row["sticker_count"], row["attachment_count"]) == (7, "old", 0, 0)
    author_row = workspace.db.execute("SELECT name, display_name, is_bot FROM authors").fetchone()
    assert tuple(author_row) == ("alice", None, 0)


def test_media_interaction_reply_forward(workspace, tmp_path):
    messages = [
        message(1, "", attachments=[{"id": "1", "url": "u", "fileName": "a.png", "fileSizeBytes": 1},
                                    {"id": "2", "url": "u", "fileName": "b.png", "fileSizeBytes": 1}]),
        message(2, "", stickers=[{"id": "3", "name": "wave", "format": "Apng", "sourceUrl": "u"}]),
        message(3, "https://example.com", embeds=[{"title": "x", "url": "https://example.com"}]),
        message(4, "pong", interaction={"id": "99", "name": "ping", "user": author()}),
        message(5, "yes", kind="Reply", reference={"messageId": "3", "channelId": CHANNEL_ID, "guildId": None}),
        message(6, "", reference={"type": "Forward", "messageId": "2", "channelId": CHANNEL_ID, "guildId": None}),
    ]
    path = write(tmp_path / "kinds.json", export(messages))

    import_paths(workspace, [path])

    rows = workspace.db.execute(
        "SELECT attachment_count, sticker_count, embed_count, is_interaction, reply_to FROM messages ORDER BY id"
    ).fetchall()
    assert [tuple(row) for row in rows] == [
        (2, 0, 0, 0, None),
        (0, 1, 0, 0, None),
        (0, 0, 1, 0, None),
        (0, 0, 0, 1, None),
        (0, 0, 0, 0, 3),
        (0, 0, 0, 0, None),
    ]


def test_deleted_user_author(workspace, tmp_path):
    deleted = author("456226577798135808", "Deleted User", "Deleted User")
    path = write(tmp_path / "deleted.json", export([message(1, "gone", user=deleted)]))

    import_paths(workspace, [path])

    row = workspace.db.execute("SELECT id, name FROM authors").fetchone()
    assert tuple(row) == (456226577798135808, "Deleted User")
    assert stored(workspace, "author_id") == [456226577798135808]


@pytest.mark.parametrize("channel_type, guild_id, kind", [
    ("DirectTextChat", "0", "dm"),
    ("DirectGroupTextChat", "0", "group"),
    ("GuildTextChat", "42", "guild"),
    ("GuildNews", "42", "guild"),
    ("GuildPublicThread", "42", "thread"),
    ("GuildPrivateThread", "42", "thread"),
    ("SomethingNew", "42", "unknown"),
])
def test_channel_kinds(workspace, tmp_path, channel_type, guild_id, kind):
    path = write(tmp_path / "channel.json", export([message(1)], channel_type=channel_type, guild_id=guild_id))

    import_paths(workspace, [path])

    row = workspace.db.execute("SELECT kind, guild_id FROM channels").fetchone()
    assert row["kind"] == kind
    assert row["guild_id"] == (None if guild_id == "0" else int(guild_id))


@pytest.mark.parametrize("indent, newline", [(None, "\n"), (2, "\r\n"), (4, "\n"), ("\t", "\n")])
def test_layouts_import_the_same(workspace, tmp_path, indent, newline):
    messages = [message(i, f"line {i} with \\u00e9 and }}, and ]", user=author(str(1000 + i % 3)))
                for i in range(1, 41)]
    path = write(tmp_path / "layout.json", export(messages), indent=indent, newline=newline)

    report = import_paths(workspace, [path])

    assert report.sources[0].new_messages == 40
    assert stored(workspace) == list(range(1, 41))
    assert workspace.db.execute("SELECT count(*) FROM authors").fetchone()[0] == 3


@pytest.mark.parametrize("indent", [2, None])
def test_byte_order_mark(workspace, tmp_path, indent):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(export([message(1), message(2)]), indent=indent).encode())

    report = import_paths(workspace, [path])

    assert report.sources[0].status == "imported"
    assert stored(workspace) == [1, 2]


def test_compact_file_uses_streaming(workspace, tmp_path, caplog):
    messages = [
        message(1),
        message(2, "", attachments=[{"id": "1", "url": "u", "fileName": "a.png", "fileSizeBytes": 1}],
                stickers=[{"id": "3", "name": "wave", "format": "Png", "sourceUrl": "u"}]),
        message(3, "https://example.com", embeds=[{"title": "x", "url": "https://example.com", "fields": []}]),
        message(4, "pong", interaction={"id": "99", "name": "ping", "user": author()}),
        message(5, "yes", kind="Reply", reference={"messageId": "3", "channelId": CHANNEL_ID, "guildId": None}),
    ]
    path = write(tmp_path / "compact.json", export(messages), indent=None)

    with caplog.at_level(logging.INFO, logger="persona_tui.sources.importer"):
        report = import_paths(workspace, [path])

    assert "streaming parser" in caplog.text
    assert report.sources[0].status == "imported"
    rows = workspace.db.execute(
        "SELECT id, attachment_count, sticker_count, embed_count, is_interaction, reply_to FROM messages ORDER BY id"
    ).fetchall()
    assert [tuple(row) for row in rows] == [
        (1, 0, 0, 0, 0, None),
        (2, 1, 1, 0, 0, None),
        (3, 0, 0, 1, 0, None),
        (4, 0, 0, 0, 1, None),
        (5, 0, 0, 0, 0, 3),
    ]


def test_empty_channel(workspace, tmp_path):
    path = write(tmp_path / "empty-channel.json", export([]))

    report = import_paths(workspace, [path])

    assert report.sources[0].status == "imported"
    assert report.sources[0].messages_read == 0
    assert workspace.db.execute("SELECT count(*) FROM channels").fetchone()[0] == 1


def test_batches_cut_at_message_ends(tmp_path):
    # A chunk of 300 bytes is shorter than one message, so every cut crosses chunks.
    messages = [message(i, "x" * (i % 7) + " }\n ],", user=author(str(2000 + i))) for i in range(1, 30)]
    path = write(tmp_path / "small-chunks.json", export(messages))

    opened = read_indented(path, chunk_bytes=300)
    batches = list(opened.batches)

    ids = [int(item.id) for batch, _ in batches for item in batch]
    assert ids == list(range(1, 30))
    assert len(batches) > 5
    assert batches[-1][1] <= path.stat().st_size
    assert opened.header.channel.id == CHANNEL_ID


def test_progress_and_cancel(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(dce, "CHUNK_BYTES", 2048)
    first = write(tmp_path / "a.json", export([message(i) for i in range(1, 101)]))
    second = write(tmp_path / "b.json", export([message(i) for i in range(101, 201)], channel_id="77"))
    total = first.stat().st_size + second.stat().st_size

    calls = []
    import_paths(workspace, [first], progress=lambda done, run_total, path: calls.append((done, run_total)))
    assert len(calls) > 3
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (first.stat().st_size, first.stat().st_size)

    import threading

    cancel = threading.Event()
    report = import_paths(workspace, [second, first], cancel=cancel,
                          progress=lambda done, run_total, path: cancel.set())
    assert [result.status for result in report.sources] == ["cancelled", "cancelled"]
    # The cancelled file rolled back whole: only the first import's 100 messages remain.
    assert workspace.db.execute("SELECT count(*) FROM messages").fetchone()[0] == 100
    assert workspace.db.execute("SELECT count(*) FROM channels WHERE id = 77").fetchone()[0] == 0
    assert total > 0
