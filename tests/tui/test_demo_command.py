"""`persona-tui demo` prepares a workspace with the demo persona chosen and samples built."""

import json

from persona_tui.cli import build_parser
from persona_tui.cli.demo import prepare_demo_workspace
from persona_tui.demo import DEMO_PERSONA_ID
from persona_tui.pipeline.sample_store import count_samples
from persona_tui.pipeline.settings import load_settings, persona_name


def test_demo_workspace_is_ready(tmp_path):
    workspace = prepare_demo_workspace(tmp_path / "demo")
    try:
        export = tmp_path / "demo" / "demo-export" / "demo_dm.json"
        messages = json.loads(export.read_text(encoding="utf-8"))["messages"]
        persona_names = {m["author"].get("nickname") or m["author"]["name"]
                         for m in messages if int(m["author"]["id"]) == DEMO_PERSONA_ID}

        assert load_settings(workspace).persona_author_id == DEMO_PERSONA_ID
        assert {persona_name(workspace)} == persona_names
        assert count_samples(workspace) > 0
    finally:
        workspace.close()


def test_demo_command_registered():
    args = build_parser().parse_args(["demo", "--keep"])

    assert args.keep is True
    assert args.handler.__name__ == "run_demo"
