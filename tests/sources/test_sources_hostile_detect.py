"""Files that are not exports fail with an error naming what they are and what to do next."""

import json
import logging
import os
import zipfile

import pytest

from persona_tui.cli import main
from persona_tui.sources.importer import import_paths


def export_text(messages_value="MESSAGES", channel_id="920000000000000002"):
    document = {"guild": {"id": "0", "name": "Direct Messages"},
                "channel": {"id": channel_id, "type": "DirectTextChat", "name": "bob"},
                "messages": "MESSAGES"}
    message = {"id": "500", "timestamp": "2024-01-01T10:00:00+00:00", "content": "hi",
               "author": {"id": "1001", "name": "bob"}}
    value = json.dumps([message]) if messages_value == "MESSAGES" else messages_value
    return json.dumps(document, indent=2).replace('"MESSAGES"', value)


def import_bad_then_good(workspace, tmp_path, bad):
    good = tmp_path / "good.json"
    good.write_text(export_text())

    report = import_paths(workspace, [bad, good])

    assert [result.status for result in report.sources] == ["failed", "imported"]
    stored = workspace.db.execute("SELECT id FROM messages").fetchall()
    assert [row[0] for row in stored] == [500]
    error = report.sources[0].error
    assert error.startswith(f"{bad}: ")
    return error


@pytest.mark.parametrize("content, expected", [
    ('{"guild": {"id": "0",, }', 'invalid JSON at line 1, column 22 (byte 21)'),
    ("{'guild': 1}", "invalid JSON at line 1, column 2 (byte 1)"),
])
def test_invalid_small_json(workspace, tmp_path, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content)

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert expected in error
    assert "'guild' and 'channel' keys" not in error


def test_invalid_utf8_byte_position(workspace, tmp_path):
    text = export_text().replace('"content": "hi"', '"content": "caf\\u00e9"')
    data = text.encode().replace(b"caf\\u00e9", b"caf\xe9")
    bad = tmp_path / "latin1.json"
    bad.write_bytes(data)
    byte = data.index(b"\xe9")
    line = data.count(b"\n", 0, byte) + 1
    column = byte - data.rfind(b"\n", 0, byte)

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert f"invalid JSON at line {line}, column {column} (byte {byte}, 0xe9) (invalid UTF-8)" in error


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_file(workspace, tmp_path, encoding):
    bad = tmp_path / "utf16.json"
    bad.write_bytes(export_text().encode(encoding))

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert "encoded as UTF-16" in error
    assert "save it as UTF-8" in error


def test_truncated_zip(workspace, tmp_path):
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("messages/c123/channel.json", '{"id": "123", "type": 1}')
        archive.writestr("messages/c123/messages.csv", "ID,Timestamp,Contents,Attachments\n" * 50)
    bad = tmp_path / "package.zip"
    bad.write_bytes(whole.read_bytes()[:100])

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert "the zip is damaged" in error
    assert "Download the data package from Discord again" in error


def test_empty_zip(workspace, tmp_path):
    bad = tmp_path / "package.zip"
    bad.write_bytes(b"")

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert "the zip is empty (0 bytes)" in error
    assert "DiscordChatExporter" not in error


@pytest.mark.parametrize("value, what", [
    ("null", "not an array (it is null)"),
    ('{"a": 1}', "not an array (it is an object)"),
    (None, "missing"),
])
def test_messages_not_an_array(workspace, tmp_path, value, what):
    bad = tmp_path / "bad.json"
    text = export_text(value or "[]")
    if value is None:
        text = text.replace('"messages": []', '"messageCount": 0')
    bad.write_text(text)

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert f"the top-level 'messages' is {what}, so it is not a DiscordChatExporter export" in error


def test_empty_messages_array_imports(workspace, tmp_path):
    path = tmp_path / "empty-channel.json"
    path.write_text(export_text("[]"))

    [result] = import_paths(workspace, [path]).sources

    assert result.status == "imported"
    assert result.messages_read == 0


def test_fifo_is_not_a_file(workspace, tmp_path):
    bad = tmp_path / "fifo.json"
    os.mkfifo(bad)

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert "not a regular file or folder" in error


def test_upper_case_extension(workspace, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "DM.JSON").write_text(export_text())

    [result] = import_paths(workspace, [folder]).sources

    assert result.status == "imported"
    assert result.messages_read == 1


def test_error_printed_once(tmp_path, capsys, caplog, monkeypatch):
    bad = tmp_path / "bad.json"
    bad.write_text("{'guild': 1}")
    caplog.set_level(logging.DEBUG)
    # Wide enough that rich does not wrap the error across lines.
    monkeypatch.setenv("COLUMNS", "1000")

    main(["--workspace", str(tmp_path / "ws"), "import", str(bad)])

    output = capsys.readouterr()
    assert (output.out + output.err).count("invalid JSON at line 1") == 1
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
