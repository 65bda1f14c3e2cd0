"""Hostile package and export files fail alone with one clear error, and the next file imports."""

import json
import zipfile

from persona_tui.sources import package
from persona_tui.sources.importer import import_paths

OWNER = '{"id": "300", "username": "owner"}'
CHANNEL_ID = "105765859191975936"
CSV_HEADER = "ID,Timestamp,Contents,Attachments\n"


def write_package(root, messages_name, messages_bytes, channel_id=CHANNEL_ID):
    (root / "account").mkdir(parents=True)
    (root / "account" / "user.json").write_text(OWNER)
    channel = root / "messages" / f"c{channel_id}"
    channel.mkdir(parents=True)
    (channel / "channel.json").write_text(f'{{"id": "{channel_id}", "type": 1}}')
    (channel / messages_name).write_bytes(messages_bytes)
    return channel / messages_name


def good_export(tmp_path):
    document = {"guild": {"id": "0", "name": "Direct Messages"},
                "channel": {"id": "920000000000000002", "type": "DirectTextChat", "name": "bob"},
                "messages": [{"id": "500", "timestamp": "2024-01-01T10:00:00+00:00", "content": "hi",
                              "author": {"id": "1001", "name": "bob"}}]}
    path = tmp_path / "good.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def import_bad_then_good(workspace, tmp_path, bad):
    report = import_paths(workspace, [bad, good_export(tmp_path)])

    assert [result.status for result in report.sources] == ["failed", "imported"]
    stored = workspace.db.execute("SELECT id FROM messages").fetchall()
    assert [row[0] for row in stored] == [500]
    return report.sources[0].error


def test_csv_unclosed_quote(workspace, tmp_path):
    rows = [f"{1000 + n},2023-10-21 15:46:16+00:00,line {n},\n" for n in range(5)]
    # Line 4 opens a quote that never closes, and 200 KB follow it, over csv's field limit.
    rows[2] = '1002,2023-10-21 15:46:16+00:00,"unclosed,\n'
    filler = "x" * 1000 + "\n"
    body = CSV_HEADER + "".join(rows) + filler * 200
    root = tmp_path / "package"
    messages = write_package(root, "messages.csv", body.encode())

    error = import_bad_then_good(workspace, tmp_path, root)

    assert error.startswith(f"{root}: messages/c{CHANNEL_ID}/messages.csv, line 4: ")
    assert "field larger than field limit" in error
    assert "quote that is never closed" in error
    assert messages.exists()


def test_csv_latin1_byte(workspace, tmp_path):
    body = CSV_HEADER + "1000,2023-10-21 15:46:16+00:00,ok,\n" + "1001,2023-10-21 15:46:17+00:00,café,\n"
    root = tmp_path / "package"
    write_package(root, "messages.csv", body.encode("latin-1"))
    # 34 bytes precede 'é' in line 3: '1001,' (5), the timestamp and comma (26), 'caf' (3).
    error = import_bad_then_good(workspace, tmp_path, root)

    assert "messages.csv, line 3: byte 35 of the line (e9) is not valid UTF-8" in error
    assert "re-saved in another encoding" in error


def test_csv_multiline_field_still_imports(workspace, tmp_path):
    body = CSV_HEADER + '1000,2023-10-21 15:46:16+00:00,"two\nlines",\n' + "1001,2023-10-21 15:46:17+00:00,é,\n"
    root = tmp_path / "package"
    write_package(root, "messages.csv", ("\ufeff" + body).encode())

    [result] = import_paths(workspace, [root]).sources

    assert result.status == "imported"
    stored = workspace.db.execute("SELECT id, content FROM messages ORDER BY id").fetchall()
    assert [tuple(row) for row in stored] == [(1000, "two\nlines"), (1001, "é")]


def test_package_id_above_63_bits(workspace, tmp_path):
    root = tmp_path / "package"
    write_package(root, "messages.json", b'[{"ID": 99999999999999999999, "Timestamp": "2023-10-21 15:46:16"}]')

    error = import_bad_then_good(workspace, tmp_path, root)

    assert "messages.json, message 1: the message ID 99999999999999999999 is too large" in error


def test_package_channel_folder_above_63_bits(workspace, tmp_path):
    root = tmp_path / "package"
    write_package(root, "messages.json", b"[]", channel_id="9999999999999999999999999")

    error = import_bad_then_good(workspace, tmp_path, root)

    assert "the folder messages/c9999999999999999999999999: the channel id" in error
    assert "is too large" in error


def zip_package(tmp_path, messages_bytes):
    root = tmp_path / "unzipped"
    write_package(root, "messages.csv", messages_bytes)
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for child in sorted(root.rglob("*")):
            if child.is_file():
                archive.write(child, child.relative_to(root).as_posix())
    return path


def test_zip_bomb_ratio(workspace, tmp_path):
    # 4 MiB of one repeated line deflates over 100 to 1.
    body = CSV_HEADER + "1000,2023-10-21 15:46:16+00:00,spam,\n" * (4 * 1024 * 1024 // 36)
    path = zip_package(tmp_path, body.encode())

    error = import_bad_then_good(workspace, tmp_path, path)

    assert error.startswith(f"{path}: messages/c{CHANNEL_ID}/messages.csv is compressed ")
    assert "zip bomb" in error


def test_zip_member_over_size_limit(workspace, tmp_path, monkeypatch):
    body = CSV_HEADER + "".join(f"{1000 + n},2023-10-21 15:46:16+00:00,m{n},\n" for n in range(100))
    path = zip_package(tmp_path, body.encode())
    monkeypatch.setattr(package, "MAX_MEMBER_BYTES", 1000)

    error = import_bad_then_good(workspace, tmp_path, path)

    assert f"messages.csv unpacks to {len(body)} bytes, more than the 1000 bytes allowed" in error


def test_deeply_nested_field(workspace, tmp_path):
    document = {"guild": {"id": "0"}, "channel": {"id": "777", "type": "DirectTextChat"},
                "messages": [{"id": "1", "timestamp": "2024-01-01T10:00:00+00:00",
                              "author": {"id": "2", "name": "a"}, "reactions": "NESTED"}]}
    text = json.dumps(document, indent=2).replace('"NESTED"', "[" * 50_000 + "]" * 50_000)
    bad = tmp_path / "deep.json"
    bad.write_text(text)

    error = import_bad_then_good(workspace, tmp_path, bad)

    assert error.startswith(f"{bad}: ")
    assert "a JSON value is nested too deeply to read" in error
