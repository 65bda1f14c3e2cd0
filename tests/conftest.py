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


@pytest.fixture
def show_tab():
    """Return `show(pilot, key, tab_id)`: press the key that switches to a tab of the app, as
    a user would, wait until that tab is active and its widget mounted, and return the widget.

    The app builds a tab the first time it is shown, so a test queries a tab's widgets only
    after showing it."""

    async def show(pilot, key: str, tab_id: str):
        await pilot.press(key)
        for _ in range(200):
            mounted = pilot.app.query(f"#{tab_id}-tab")
            if pilot.app.query_one("#tabs").active == f"tab-{tab_id}" and mounted:
                await pilot.pause()
                return mounted.first()
            await pilot.pause(0.05)
        raise AssertionError(f"key {key!r} did not show the {tab_id} tab within 10 s")

    return show
