"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

from persona_tui.workspace import Workspace

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Real exports from public repositories, kept outside the project (see its README).
SAMPLES_DIR = PROJECT_ROOT.parent / "shared" / "samples"


@pytest.fixture
def samples_dir() -> Path:
    assert SAMPLES_DIR.is_dir(), f"the shared samples are missing at {SAMPLES_DIR}"
    return SAMPLES_DIR


@pytest.fixture
def workspace(tmp_path):
    with Workspace.open(tmp_path / "workspace") as opened:
        yield opened
