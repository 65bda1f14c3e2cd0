"""The import and authors commands, and the demo export."""

import json
from datetime import UTC, datetime

from persona_tui.cli import main
from persona_tui.demo import DEMO_PERSONA_ID, demo_export
from persona_tui.sources.importer import import_paths, list_authors


def test_import_command_exit_codes(tmp_path, samples_dir, capsys):
    workspace_dir = tmp_path / "workspace"
    bad = tmp_path / "page.html"
    bad.write_text("<html></html>")

    status = main(["--workspace", str(workspace_dir), "import", str(samples_dir / "dce-example-guild"), str(bad)])

    output = capsys.readouterr().out
    assert status == 1
    assert "thread-thomas.json" in output
    assert "HTML" in output
    # chill-talk-without-deleted (5), chill-talk (1 new), general (1), thread-thomas (5).
    assert "12 new messages from 17 read." in output

    status = main(["--workspace", str(workspace_dir), "import", str(samples_dir / "dce-example-guild")])
    output = capsys.readouterr().out
    assert status == 0
    assert "unchanged" in output
    assert "0 new messages from 0 read." in output


def test_import_command_package_note(tmp_path, capsys):
    package = tmp_path / "package"
    (package / "Account").mkdir(parents=True)
    (package / "Account" / "user.json").write_text('{"id": "300", "username": "owner"}')
    channel = package / "Messages" / "c123"
    channel.mkdir(parents=True)
    (channel / "channel.json").write_text('{"id": "123", "type": 1}')
    (channel / "messages.json").write_text('[{"ID": 5, "Timestamp": "2022-09-09 00:14:25", "Contents": "hi"}]')

    status = main(["--workspace", str(tmp_path / "workspace"), "import", str(package)])

    output = capsys.readouterr().out
    assert status == 0
    assert "one-sided" in output
    assert "no replies" in output
    assert "1 new messages from 1 read." in output


def test_authors_command(tmp_path, samples_dir, capsys):
    workspace_dir = tmp_path / "workspace"
    main(["--workspace", str(workspace_dir), "import", str(samples_dir / "dce-example-guild/thread-thomas.json")])
    capsys.readouterr()

    status = main(["--workspace", str(workspace_dir), "authors"])

    output = capsys.readouterr().out
    assert status == 0
    # Adam wrote 2 of the thread's 5 messages, Patrick 2, Thomas 1; all on 2023-01-06.
    assert "521486476985155645" in output
    assert "627848643557663699" in output
    assert "896568767994532880" in output
    assert output.count("2023-01-06") == 6


def test_demo_export_content(tmp_path):
    path = demo_export(tmp_path)
    document = json.loads(path.read_text())
    messages = document["messages"]

    assert path.name == "demo_dm.json"
    assert document["channel"]["type"] == "DirectTextChat"
    assert 2000 <= len(messages) <= 5000
    authors = {message["author"]["id"] for message in messages}
    assert str(DEMO_PERSONA_ID) in authors
    assert any(message["author"]["isBot"] for message in messages)
    assert any("reference" in message for message in messages)
    assert any(message["type"] not in ("Default", "Reply") for message in messages)
    assert any(message["stickers"] and not message["content"] for message in messages)
    assert any(message["attachments"] and not message["content"] for message in messages)
    assert any(message["embeds"] and not message["content"] for message in messages)
    contents = [message["content"] for message in messages]
    assert any(":kekw:" in content or ":pog:" in content or ":catjam:" in content for content in contents)
    assert "call me at 415 555 0132" in contents
    assert "my email is jamie.rivera at gmail dot com" in contents
    assert "im at 42 oak st apt 3" in contents
    assert "meet at 10:30 tomorrow?" in contents
    assert "we won 21-17!!" in contents


def test_demo_export_silences(tmp_path):
    messages = json.loads(demo_export(tmp_path).read_text())["messages"]
    times = [datetime.fromisoformat(message["timestamp"]).astimezone(UTC) for message in messages]
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:])]

    assert all(gap > 0 for gap in gaps)
    assert sum(gap < 60 for gap in gaps) > len(gaps) // 3          # bursts
    assert any(gap > 24 * 3600 for gap in gaps)                     # silences of days


def test_demo_imports(workspace, tmp_path):
    report = import_paths(workspace, [demo_export(tmp_path)])

    assert report.sources[0].new_messages == 3000
    persona = next(author for author in list_authors(workspace) if author.id == DEMO_PERSONA_ID)
    assert persona.name == "riley.k"
