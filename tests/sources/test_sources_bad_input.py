"""Bad input: each file fails alone with a clear error, and nothing stored is lost."""

import json
import zipfile

import pytest

from persona_tui.sources.importer import import_paths, list_sources

CHANNEL_ID = "910000000000000001"


def message(message_id, content="hi"):
    return {"id": str(message_id), "type": "Default", "timestamp": "2024-01-01T10:00:00+00:00",
            "content": content, "author": {"id": "1001", "name": "alice", "isBot": False},
            "attachments": [], "embeds": [], "stickers": []}


def export_text(messages, *, indent=2, channel_id=CHANNEL_ID):
    document = {"guild": {"id": "0", "name": "Direct Messages"},
                "channel": {"id": channel_id, "type": "DirectTextChat", "name": "alice"},
                "messages": messages, "messageCount": len(messages)}
    return json.dumps(document, indent=indent)


def counts(workspace):
    return tuple(workspace.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                 for table in ("messages", "authors", "channels"))


def import_one_failure(workspace, path):
    report = import_paths(workspace, [path])
    [result] = report.sources
    assert result.status == "failed"
    assert str(path) in result.error
    return result.error


def test_truncated_indented(workspace, tmp_path):
    text = export_text([message(i) for i in range(1, 11)])
    cut = text.index('"id": "7"')
    path = tmp_path / "truncated.json"
    path.write_text(text[:cut])

    error = import_one_failure(workspace, path)

    assert "truncated" in error
    assert f"byte {cut}" in error
    assert "Export the channel again" in error


def test_truncated_compact(workspace, tmp_path):
    text = export_text([message(i) for i in range(1, 11)], indent=None)
    path = tmp_path / "truncated-compact.json"
    path.write_text(text[:200])

    error = import_one_failure(workspace, path)

    assert "truncated" in error
    assert "byte 200" in error


def test_invalid_json_names_line(workspace, tmp_path):
    text = export_text([message(i) for i in range(1, 6)])
    # Add a bare word as a value inside the third message: `"bad": x`.
    broken = text.replace('"id": "3",', '"id": "3", "bad": x,', 1)
    path = tmp_path / "invalid.json"
    path.write_text(broken)
    bad_offset = broken.index('x,', broken.index('"bad"'))
    line = broken.count("\n", 0, bad_offset) + 1
    column = bad_offset - broken.rfind("\n", 0, bad_offset)

    error = import_one_failure(workspace, path)

    assert "invalid JSON" in error
    assert f"line {line}, column {column}" in error


def test_html_export(workspace, tmp_path):
    path = tmp_path / "Direct Messages - alice.html"
    path.write_text("<!DOCTYPE html>\n<html><head><title>alice</title></head></html>")

    error = import_one_failure(workspace, path)

    assert "HTML" in error
    assert "-f Json" in error


def test_empty_file(workspace, tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")

    error = import_one_failure(workspace, path)

    assert "empty" in error


@pytest.mark.parametrize("content, expected", [
    ('{"name": "package.json", "version": "1.0.0"}', "not a DiscordChatExporter export"),
    ('[{"ID": 1, "Timestamp": "2022-09-09 00:14:25"}]', "import the whole package"),
    ("ID,Timestamp,Contents\n1,2,3\n", "not a Discord export"),
])
def test_not_a_discord_export(workspace, tmp_path, content, expected):
    path = tmp_path / "other.json"
    path.write_text(content)

    error = import_one_failure(workspace, path)

    assert expected in error


def test_zip_without_messages(workspace, tmp_path):
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "nothing here")
        archive.writestr("Account/user.json", '{"id": "1", "username": "owner"}')

    error = import_one_failure(workspace, path)

    assert "no Discord data package messages" in error


def test_package_without_messages_files(workspace, tmp_path):
    channel = tmp_path / "package" / "messages" / "c123"
    channel.mkdir(parents=True)
    (channel / "channel.json").write_text('{"id": "123", "type": 1}')

    error = import_one_failure(workspace, tmp_path / "package")

    assert "no messages.json or messages.csv" in error


def test_spreadsheet_mangled_csv(workspace, tmp_path):
    root = tmp_path / "package"
    (root / "account").mkdir(parents=True)
    (root / "account" / "user.json").write_text('{"id": "300", "username": "owner"}')
    channel = root / "messages" / "c105765859191975936"
    channel.mkdir(parents=True)
    (channel / "channel.json").write_text('{"id": "105765859191975936", "type": 1}')
    (channel / "messages.csv").write_text(
        "ID,Timestamp,Contents,Attachments\n"
        "7.73264E+18,2023-10-21 15:46:16.595000+00:00,hello,\n"
    )

    error = import_one_failure(workspace, root)

    assert "7.73264E+18" in error
    assert "line 2" in error
    assert "spreadsheet" in error
    assert counts(workspace) == (0, 0, 0)


def test_failure_keeps_earlier_data(workspace, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(export_text([message(i) for i in range(1, 6)]))
    import_paths(workspace, [good])
    before = counts(workspace)

    # A second channel whose file breaks after its first messages were decoded.
    text = export_text([message(i) for i in range(100, 120)], channel_id="920000000000000002")
    bad = tmp_path / "bad.json"
    bad.write_text(text[: text.index('"id": "115"')])
    empty = tmp_path / "empty.json"
    empty.write_text("")
    later = tmp_path / "later.json"
    later.write_text(export_text([message(i) for i in range(200, 203)], channel_id="930000000000000003"))

    report = import_paths(workspace, [bad, empty, later])

    assert [result.status for result in report.sources] == ["failed", "failed", "imported"]
    assert counts(workspace) == (before[0] + 3, 1, 2)
    assert workspace.db.execute("SELECT count(*) FROM channels WHERE id = 920000000000000002").fetchone()[0] == 0
    statuses = [(source.path, source.status, source.message_count) for source in list_sources(workspace)]
    assert statuses == [
        (str(good), "ok", 5),
        (str(bad), "failed", 0),
        (str(empty), "failed", 0),
        (str(later), "ok", 3),
    ]


def test_reimport_adds_nothing(workspace, tmp_path):
    path = tmp_path / "again.json"
    path.write_text(export_text([message(i) for i in range(1, 4)]))
    first = import_paths(workspace, [path])

    second = import_paths(workspace, [path])

    [result] = second.sources
    assert result.status == "unchanged"
    assert result.new_messages == 0
    assert f"already imported as source {first.sources[0].source_id}" in result.note
    assert len(list_sources(workspace)) == 1
    assert counts(workspace) == (3, 1, 1)


def test_missing_path(workspace, tmp_path):
    error = import_one_failure(workspace, tmp_path / "nowhere.json")

    assert "no such file or folder" in error
