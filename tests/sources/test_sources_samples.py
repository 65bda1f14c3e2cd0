"""Every real export in the shared samples imports with the counts read off the files.

The expected counts were worked out by reading each file: the message objects in its
`messages` array (duplicated ids counted once for the stored total), the distinct
`author.id` values, and the channel's `type`.
"""

from datetime import UTC, datetime

import pytest

from persona_tui.sources.importer import import_paths, list_authors


def epoch_ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)


# file, messages read, messages stored, distinct authors, channel id, channel kind
SAMPLES = [
    # Two messages and a Call, by author 111111111111111111 and a bot 444444444444444444.
    ("dce-chat-analytics/DM_2A_2M.json", 3, 3, 2, 530805775262679064, "dm"),
    # Six messages (messageCount is 5) by authors 222..., 333... and 111....
    ("dce-chat-analytics/GC_3A_5M.json", 6, 6, 3, 1064990764406419508, "group"),
    # Five objects, but 459136077417021488 appears twice; a Deleted User and mlomb.
    ("dce-chat-analytics/SV_5A_5M.json", 5, 4, 2, 253601524398293010, "guild"),
    # Adam, Patrick, the spam bot account (id ...321458) and Thomas.
    ("dce-example-guild/chill-talk.json", 6, 6, 4, 1012224565567875236, "guild"),
    # The same channel without the spam message: Adam, Patrick and Thomas.
    ("dce-example-guild/chill-talk-without-deleted.json", 5, 5, 3, 1012224565567875236, "guild"),
    ("dce-example-guild/general.json", 1, 1, 1, 1012224565567721552, "guild"),
    # Adam, Thomas and Patrick in a public thread.
    ("dce-example-guild/thread-thomas.json", 5, 5, 3, 1060927310439657577, "thread"),
]


@pytest.mark.parametrize("name, read, stored, authors, channel_id, kind", SAMPLES)
def test_sample_counts(workspace, samples_dir, name, read, stored, authors, channel_id, kind):
    report = import_paths(workspace, [samples_dir / name])

    [result] = report.sources
    assert result.status == "imported"
    assert result.kind == "dce"
    assert result.messages_read == read
    assert result.new_messages == stored
    assert workspace.db.execute("SELECT count(*) FROM messages").fetchone()[0] == stored
    assert workspace.db.execute("SELECT count(*) FROM authors").fetchone()[0] == authors
    channel = workspace.db.execute("SELECT id, kind FROM channels").fetchone()
    assert tuple(channel) == (channel_id, kind)


def test_samples_folder_in_one_run(workspace, samples_dir):
    report = import_paths(workspace, [samples_dir])

    # Seven files in sorted path order. GC_3A_5M repeats two ids of DM_2A_2M (530805779645595660
    # and 100), SV has one duplicate, and chill-talk adds only the spam message
    # 1060954094627463098 after chill-talk-without-deleted: 3 + 4 + 4 + 5 + 1 + 1 + 5.
    assert [result.new_messages for result in report.sources] == [3, 4, 4, 5, 1, 1, 5]
    assert report.new_messages == 23
    assert report.messages_read == 31
    assert report.failed == []
    assert workspace.db.execute("SELECT count(*) FROM channels").fetchone()[0] == 6


def test_sample_replies_and_media(workspace, samples_dir):
    import_paths(workspace, [samples_dir])
    row = dict(workspace.db.execute("SELECT * FROM messages WHERE id = 1060927583467876363").fetchone())

    # A 'Reply' in the thread, sent at 14:27:26.98 (two fraction digits).
    assert row["reply_to"] == 1060927555093413928
    assert row["type"] == "Reply"
    assert row["timestamp_ms"] == epoch_ms(2023, 1, 6, 14, 27, 26) + 980

    media = workspace.db.execute(
        "SELECT attachment_count, sticker_count, content FROM messages WHERE id = 447793085255123005"
    ).fetchone()
    assert media["attachment_count"] == 1
    assert media["sticker_count"] == 1


def test_sample_default_reply(workspace, samples_dir):
    # In GC_3A_5M, message 530805779645595660 has type 'Default' and a reference.
    import_paths(workspace, [samples_dir / "dce-chat-analytics/GC_3A_5M.json"])
    row = workspace.db.execute("SELECT type, reply_to FROM messages WHERE id = 530805779645595660").fetchone()

    assert row["type"] == "Default"
    assert row["reply_to"] == 1064990824305274930


def test_sample_authors_summary(workspace, samples_dir):
    import_paths(workspace, [samples_dir / "dce-chat-analytics/DM_2A_2M.json"])
    authors = {author.id: author for author in list_authors(workspace)}

    bot = authors[444444444444444444]
    assert bot.is_bot
    assert bot.name == "Someones name"
    assert bot.display_name == "Someones nickname"
    assert bot.message_count == 2
    assert bot.first_ms == epoch_ms(2019, 1, 25, 0, 11, 4) + 83
    assert bot.last_ms == epoch_ms(2020, 7, 17, 17, 3, 14) + 366
    assert authors[111111111111111111].message_count == 1
