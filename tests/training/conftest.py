"""Fixtures for the training tests: a frozen-clock sandbox and a workspace pointed at it."""

import json
from pathlib import Path

import pytest

from persona_tui.sandbox.server import SandboxServer

# Every sample line has the same three messages. Their sandbox token counts are
# (7+3)//4 = 2, (11+3)//4 = 3 and (4+3)//4 = 1: six tokens a line.
SAMPLE_LINE = {"messages": [
    {"role": "system", "content": "persona"},
    {"role": "user", "content": "hello there"},
    {"role": "assistant", "content": "hey!"},
]}
TOKENS_PER_LINE = 6


def write_dataset(directory: Path, train_lines: int = 40, validation_lines: int = 8) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    train = directory / "train.jsonl"
    validation = directory / "validation.jsonl"
    train.write_text("".join(json.dumps(SAMPLE_LINE) + "\n" for _ in range(train_lines)), encoding="utf-8")
    validation.write_text("".join(json.dumps(SAMPLE_LINE) + "\n" for _ in range(validation_lines)), encoding="utf-8")
    return train, validation


@pytest.fixture
def sandbox():
    # Speed 0 freezes the simulated clock; tests move it with advance_clock.
    with SandboxServer(speed=0) as server:
        yield server


@pytest.fixture
def sandbox_workspace(workspace, sandbox):
    workspace.set_setting("together_base_url", sandbox.base_url)
    workspace.set_setting("together_sandbox", True)
    return workspace


@pytest.fixture
def dataset(tmp_path):
    return write_dataset(tmp_path / "datasets")


@pytest.fixture
def make_dataset():
    return write_dataset
