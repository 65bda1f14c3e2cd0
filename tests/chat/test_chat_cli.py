"""`persona-tui chat`, `targets` and `serve` run as a user would, against the sandbox."""

from persona_tui.chat import session
from persona_tui.cli import main


def test_targets_and_chat_line_by_line(tmp_path, sandbox, monkeypatch, capsys):
    workspace_dir = str(tmp_path / "ws")
    monkeypatch.setenv("TOGETHER_API_KEY", "test")
    assert main(["-w", workspace_dir, "targets", "add", "base", "--kind", "together",
                 "--model", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"]) == 0
    assert main(["-w", workspace_dir, "targets", "add", "bad", "--kind", "openai", "--model", "x"]) == 1

    lines = iter(["Hey, you there?", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["-w", workspace_dir, "chat", "--target", "base", "--base-url", sandbox.base_url]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[-3:] == ["base> hey??", "base> ok but why", "base> (Meta-Llama-3.1-8B-Instruct-Turbo)"]

    from persona_tui.workspace import Workspace

    with Workspace.open(workspace_dir) as workspace:
        chat = session.list_chats(workspace)[0]
        stored = session.load_messages(workspace, chat.id)
    assert [(m.pane, m.content) for m in stored] == [
        ("user", "Hey, you there?"), ("tuned", "hey??\nok but why\n(Meta-Llama-3.1-8B-Instruct-Turbo)")]


def test_serve_download_through_the_cli(tmp_path, sandbox, monkeypatch, capsys):
    monkeypatch.setenv("TOGETHER_API_KEY", "test")
    monkeypatch.setenv("TOGETHER_BASE_URL", sandbox.base_url)
    sandbox.state.data["downloads"] = {"size": 5000, "drop_after": None}
    assert main(["-w", str(tmp_path), "serve", "download", "ft-abc", "--checkpoint", "merged"]) == 0
    archive = tmp_path / "models" / "ft-abc-merged.tar.zst"
    assert archive.read_bytes()[:len("ft-abc:merged\n")] == b"ft-abc:merged\n"
    assert archive.stat().st_size == 5000
