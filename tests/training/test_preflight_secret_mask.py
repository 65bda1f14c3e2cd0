"""The preflight listing masks a found secret and shows other personal data as found."""

import json

from persona_tui.training.preflight import run_preflight
from persona_tui.training.settings import TrainingSettings

SETTINGS = TrainingSettings(model="Qwen/Qwen3.5-9B", n_epochs=2, batch_size=8, n_evals=3)


def test_listing_masks_only_secrets(workspace, tmp_path):
    train = tmp_path / "train.jsonl"
    lines = [
        {"messages": [{"role": "user", "content": "key?"}, {"role": "assistant", "content": "tgp_FAKE_0123456789abcdef"}]},
        {"messages": [{"role": "user", "content": "mail?"}, {"role": "assistant", "content": "ann@example.org"}]},
    ]
    train.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    report = run_preflight(workspace, train, None, SETTINGS)
    listing = report.summary_lines()

    # mask() keeps the prefix up to the first "_" and the last four characters.
    assert "  train.jsonl line 1: secret 'tgp_…cdef'" in listing
    assert "  train.jsonl line 2: email 'ann@example.org'" in listing
    assert not any("0123456789" in text for text in listing)
    # The finding itself keeps the full text, for code that needs it.
    assert [(item.line, item.kind, item.text) for item in report.findings] == [
        (1, "secret", "tgp_FAKE_0123456789abcdef"), (2, "email", "ann@example.org")]
