"""Ids and timestamps that cannot be stored fail their file alone, naming the message."""

import json

import pytest

from persona_tui.cli.authors import format_day
from persona_tui.sources.importer import import_paths

CHANNEL_ID = "910000000000000001"
TOO_LARGE = "99999999999999999999"      # above 2^63 - 1 = 9223372036854775807


def message(message_id, timestamp="2024-01-01T10:00:00+00:00"):
    return {"id": str(message_id), "type": "Default", "timestamp": timestamp, "content": "hi",
            "author": {"id": "1001", "name": "alice", "isBot": False},
            "attachments": [], "embeds": [], "stickers": []}


def export_text(messages, channel_id=CHANNEL_ID):
    document = {"guild": {"id": "0", "name": "Direct Messages"},
                "channel": {"id": channel_id, "type": "DirectTextChat", "name": "alice"},
                "messages": messages, "messageCount": len(messages)}
    return json.dumps(document, indent=2)


def import_bad_then_good(workspace, tmp_path, bad_text):
    """Import a bad file and then a good one in one call, and return the bad file's error."""
    bad = tmp_path / "bad.json"
    bad.write_text(bad_text)
    good = tmp_path / "good.json"
    good.write_text(export_text([message(500), message(501)], channel_id="920000000000000002"))

    report = import_paths(workspace, [bad, good])

    assert [result.status for result in report.sources] == ["failed", "imported"]
    assert report.sources[1].new_messages == 2
    stored = workspace.db.execute("SELECT id FROM messages ORDER BY id").fetchall()
    assert [row[0] for row in stored] == [500, 501]
    error = report.sources[0].error
    assert error.startswith(f"{bad}: ")
    assert "export the channel again" in error
    return error


def with_field(position, setter):
    messages = [message(10), message(11), message(12)]
    setter(messages[position - 1])
    return export_text(messages)


@pytest.mark.parametrize("setter, field, value", [
    (lambda m: m.update(id=TOO_LARGE), "message id", TOO_LARGE),
    (lambda m: m["author"].update(id=TOO_LARGE), "author id", TOO_LARGE),
    (lambda m: m.update(reference={"messageId": TOO_LARGE}), "reference.messageId", TOO_LARGE),
])
def test_id_above_63_bits(workspace, tmp_path, setter, field, value):
    error = import_bad_then_good(workspace, tmp_path, with_field(2, setter))

    assert "message 2 " in error
    assert f"the {field} {value} is too large" in error
    assert "0 to 9223372036854775807" in error


def test_largest_signed_id_imports(workspace, tmp_path):
    path = tmp_path / "edge.json"
    path.write_text(export_text([message(9223372036854775807)]))

    [result] = import_paths(workspace, [path]).sources

    assert result.status == "imported"
    assert workspace.db.execute("SELECT id FROM messages").fetchone()[0] == 9223372036854775807


def test_channel_id_above_63_bits(workspace, tmp_path):
    error = import_bad_then_good(workspace, tmp_path, export_text([message(10)], channel_id=TOO_LARGE))

    assert f"the channel id {TOO_LARGE} is too large" in error


@pytest.mark.parametrize("value", ["abc", "", "²³", "-5"])
def test_id_not_a_number(workspace, tmp_path, value, caplog):
    error = import_bad_then_good(workspace, tmp_path, with_field(3, lambda m: m["author"].update(id=value)))

    assert f"message 3 (id '12'): the author id {value!r} is not a number" in error
    assert not [record for record in caplog.records if record.levelname == "WARNING"]
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                       "2014-12-31T23:59:59+00:00", "2100-01-01T00:00:00+00:00"])
def test_timestamp_out_of_range(workspace, tmp_path, timestamp):
    error = import_bad_then_good(workspace, tmp_path, with_field(1, lambda m: m.update(timestamp=timestamp)))

    assert "message 1 (id '10'): the timestamp " in error
    assert "out of range (Discord messages are dated from 2015-01-01 to 2100-01-01 (UTC))" in error


def test_format_day_unrepresentable():
    # 0001-01-01T00:00:00+14:00 is 14 hours before year 1 in UTC.
    before_year_one = -62135596800000 - 14 * 3600 * 1000

    assert format_day(before_year_one) == f"{before_year_one} ms"
    assert format_day(1704103200000) == "2024-01-01"
