"""The file checksum, computed while the file is decoded, still decides what is new."""

import hashlib
import json

from persona_tui.sources import checksum, dce
from persona_tui.sources.importer import import_paths, list_sources


def message(message_id):
    return {"id": str(message_id), "type": "Default", "timestamp": "2024-01-01T10:00:00+00:00",
            "content": f"message {message_id}", "author": {"id": "1001", "name": "alice", "isBot": False},
            "attachments": [], "embeds": [], "stickers": []}


def write_export(path, message_ids):
    document = {"guild": {"id": "0", "name": "Direct Messages"},
                "channel": {"id": "930000000000000001", "type": "DirectTextChat", "name": "alice"},
                "messages": [message(i) for i in message_ids], "messageCount": len(message_ids)}
    path.write_text(json.dumps(document, indent=2))
    return path


def stored_messages(workspace):
    return workspace.db.execute("SELECT count(*) FROM messages").fetchone()[0]


def test_checksum_stored_for_new_file(workspace, tmp_path):
    path = write_export(tmp_path / "dm.json", range(1, 6))

    import_paths(workspace, [path])

    [source] = list_sources(workspace)
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()


def test_reimport_across_held_batches(workspace, tmp_path, monkeypatch):
    # Small chunks and a low hold limit make the second import decode several batches
    # and then wait for the checksum before it finds the file was imported already.
    monkeypatch.setattr(dce, "CHUNK_BYTES", 512)
    monkeypatch.setattr(checksum, "MAX_HELD_BATCHES", 2)
    path = write_export(tmp_path / "dm.json", range(1, 41))
    first = import_paths(workspace, [path])

    second = import_paths(workspace, [path])

    [result] = second.sources
    assert result.status == "unchanged"
    assert result.source_id == first.sources[0].source_id
    assert stored_messages(workspace) == 40
    assert len(list_sources(workspace)) == 1


def test_failed_file_keeps_checksum(workspace, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text(json.dumps({"guild": {"id": "0"}, "channel": {"id": "930000000000000002"},
                                "messages": [message(1), message(2)]}, indent=2)[:-40])

    report = import_paths(workspace, [path])

    assert report.sources[0].status == "failed"
    [source] = list_sources(workspace)
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert stored_messages(workspace) == 0


def test_checksum_kept_after_late_mismatch(workspace, tmp_path, monkeypatch):
    # The third message's author object closes at the indentation of a message, so the
    # indented reader cuts a batch inside it after the first batch passed the gate. The
    # file is valid JSON, so the streaming reader imports it again from the start.
    messages = [message(1), message(2), message(3), message(4)]
    messages[2] = {"id": "3", "author": {"id": "1001", "name": "fake-close"},
                   "type": "Default", "timestamp": "2024-01-01T10:00:00+00:00", "content": "x" * 3000}
    document = {"guild": {"id": "0", "name": "Direct Messages"},
                "channel": {"id": "930000000000000003", "type": "DirectTextChat", "name": "alice"},
                "messages": messages, "messageCount": 4}
    text = json.dumps(document, indent=2)
    fake_close = '"name": "fake-close"\n      }'
    text = text.replace(fake_close, '"name": "fake-close"\n    }')
    path = tmp_path / "late.json"
    path.write_text(text)

    # The first read ends just before the fake close, the second one well before the end
    # of the third message.
    start = text.index('"messages": [') + len('"messages": [')
    fake_close_end = text.index('"fake-close"\n    }') + len('"fake-close"\n    }')
    monkeypatch.setattr(dce, "CHUNK_BYTES", fake_close_end - start - 1)
    monkeypatch.setattr(checksum, "MAX_HELD_BATCHES", 1)

    first = import_paths(workspace, [path])
    second = import_paths(workspace, [path])

    assert first.sources[0].status == "imported"
    assert first.sources[0].messages_read == 4
    [source] = list_sources(workspace)
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert second.sources[0].status == "unchanged"
    assert stored_messages(workspace) == 4
