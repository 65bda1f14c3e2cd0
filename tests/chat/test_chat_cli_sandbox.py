"""`persona-tui chat` reaches the Together account the workspace points at (here the sandbox)."""

import io

from persona_tui.chat.targets import ModelTarget, save_target
from persona_tui.cli import main
from persona_tui.sandbox.demo import start_demo_sandbox


def test_chat_cli_uses_workspace_sandbox(workspace, monkeypatch, capsys):
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    monkeypatch.delenv("TOGETHER_BASE_URL", raising=False)
    server = start_demo_sandbox(workspace)
    try:
        save_target(workspace, ModelTarget("base", "together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"))
        monkeypatch.setattr("sys.stdin", io.StringIO("Hey, you there?\n\n"))
        code = main(["chat", "-w", str(workspace.root), "--target", "base"])
    finally:
        server.stop()

    assert code == 0
    output = capsys.readouterr().out
    # Sandbox rule: first word + "??"; REACTIONS[3 words % 5] = "ok but why"; the model's last segment.
    assert "base> hey??" in output
    assert "base> ok but why" in output
    assert "base> (Meta-Llama-3.1-8B-Instruct-Turbo)" in output
    assert server.requests_to("POST", "/v1/chat/completions") == ["/v1/chat/completions"]
