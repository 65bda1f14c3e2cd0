"""Untrusted text from exports cannot drive the terminal or be read as markup."""

import json

from persona_tui.cli import main
from persona_tui.display import plain_text, printable


def test_printable_escapes_controls():
    assert printable("a\x1b]0;title\x07b") == "a\\x1b]0;title\\x07b"
    assert printable("x\x00y\x7fz\x9b") == "x\\x00y\\x7fz\\x9b"


def test_printable_keeps_newline_tab_unicode():
    assert printable("line\n\tcafé 👍 [PHONE]") == "line\n\tcafé 👍 [PHONE]"


def test_plain_text_not_markup():
    assert plain_text("[bold red]EVIL[/]").plain == "[bold red]EVIL[/]"


def hostile_export(path):
    author = {"id": "100000000000000001", "name": "[bold red]EVIL[/] \x1b]0;pwn\x07",
              "discriminator": "0000", "nickname": "[link=https://evil.example]nick[/link]", "isBot": False}
    message = {"id": "1100000000000000001", "type": "Default", "timestamp": "2024-01-01T10:00:00+00:00",
               "content": "hi \x1b[2J there", "author": author, "attachments": [], "embeds": []}
    export = {"guild": {"id": "0", "name": "Direct Messages"},
              "channel": {"id": "1000000000000000001", "type": "DirectTextChat", "name": "x"},
              "messages": [message], "messageCount": 1}
    path.write_text(json.dumps(export), encoding="utf-8")


def test_authors_cli_prints_no_escapes(tmp_path, capsys):
    export = tmp_path / "evil.json"
    hostile_export(export)
    assert main(["import", "--no-progress", "-w", str(tmp_path / "ws"), str(export)]) == 0
    capsys.readouterr()

    assert main(["authors", "-w", str(tmp_path / "ws")]) == 0
    output = capsys.readouterr().out
    assert "\x1b" not in output
    assert "  [bold red]EVIL[/] \\x1b]0;pwn\\x07 ([link=https://evil.example]nick[/link])" in output
    assert "100000000000000001  1 messages  2024-01-01 to 2024-01-01" in output
