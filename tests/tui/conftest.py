"""Fixtures for the app tests: a workspace with six hand-made samples."""

import pytest

from persona_tui.pipeline.sample import Redaction, Sample, Turn, sample_key
from persona_tui.pipeline.sample_store import replace_samples
from persona_tui.pipeline.settings import PipelineSettings, save_settings

HOUR_MS = 3_600_000
# 2023-11-14 22:13:20 UTC.
BASE_MS = 1_700_000_000_000


def turn(role: str, content: str, message_id: int, original: str | None = None,
         redactions: list[Redaction] | None = None) -> Turn:
    return Turn(role=role, content=content, original=original or content,
                author_id=2 if role == "assistant" else 1, message_ids=[message_id],
                redactions=redactions or [])


def hand_made_samples() -> list[Sample]:
    conversations = [
        [turn("user", "how are you", 1), turn("assistant", "fine thanks", 2)],
        [turn("user", "call me at [PHONE]", 3, "call me at 5551234567",
              [Redaction(11, 21, 11, 18, "phone", "phone:phonenumbers")]),
         turn("assistant", "ok will do", 4)],
        [turn("user", "did you see the match", 5), turn("assistant", "we won on penalties", 6)],
        [turn("user", "send it to [EMAIL] or [PHONE]", 7, "send it to bob@x.io or 5551234567",
              [Redaction(11, 19, 11, 18, "email", "email:pattern"),
               Redaction(23, 33, 22, 29, "phone", "phone:phonenumbers")]),
         turn("assistant", "sure", 8)],
        [turn("user", "lunch tomorrow?", 9), turn("assistant", "yes at noon", 10)],
        [turn("user", "bye", 11), turn("assistant", "see you", 12)],
    ]
    return [
        Sample(sample_key(7, turns), 7, BASE_MS + index * HOUR_MS, BASE_MS + index * HOUR_MS + 60_000, turns)
        for index, turns in enumerate(conversations)
    ]


@pytest.fixture
def review_workspace(workspace):
    """The workspace with the six samples, persona 'Ana', opening on the Inspect tab."""
    replace_samples(workspace, hand_made_samples())
    # The persona is the pipeline setting, and its name comes from the authors table.
    with workspace.transaction() as db:
        db.execute("INSERT INTO authors(id, name, display_name, is_bot) VALUES (1, 'ana', 'Ana', 0)")
    save_settings(workspace, PipelineSettings(persona_author_id=1))
    workspace.set_setting("tui_active_tab", "inspect")
    return workspace


@pytest.fixture
def sample_keys(review_workspace):
    return [sample.key for sample in hand_made_samples()]


@pytest.fixture(autouse=True)
def loopback_together(workspace):
    """Point the Train and Chat tabs, which mount with the app, at a closed loopback port in
    sandbox mode, so no test of these tabs sends a request to another host or a real key."""
    workspace.set_setting("together_base_url", "http://127.0.0.1:9")
    workspace.set_setting("together_sandbox", True)


@pytest.fixture
def demo_workspace(tmp_path, workspace):
    """A workspace prepared as `persona-tui demo` does: demo imported, persona chosen, built.

    It depends on `workspace` only so the loopback Together settings apply to it too."""
    from persona_tui.cli.demo import prepare_demo_workspace

    demo = prepare_demo_workspace(tmp_path / "demo")
    demo.set_setting("together_base_url", "http://127.0.0.1:9")
    demo.set_setting("together_sandbox", True)
    yield demo
    demo.close()
