"""Snapshots of each tab at 80x24. The header shows a fixed label instead of the temporary
workspace path, and notifications are cleared, so the pictures do not change between runs."""

import pytest
from textual.widgets import Input

from persona_tui.tui.app import PersonaApp

TERMINAL = (80, 24)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.fixture
def export_app(workspace, samples_dir):
    workspace.set_setting("tui_active_tab", "export")
    dm_export = samples_dir / "dce-chat-analytics" / "DM_2A_2M.json"
    return PersonaApp(workspace, import_paths=[str(dm_export)], workspace_label="snapshot workspace")


def test_export_tab_snapshot(snap_compare, export_app):
    assert snap_compare(export_app, terminal_size=TERMINAL, run_before=settle)


def test_inspect_tab_snapshot(snap_compare, review_workspace):
    app = PersonaApp(review_workspace, workspace_label="snapshot workspace")
    assert snap_compare(app, terminal_size=TERMINAL, press=["j", "greater_than_sign"], run_before=settle)


def test_help_snapshot(snap_compare, review_workspace):
    app = PersonaApp(review_workspace, workspace_label="snapshot workspace")

    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=TERMINAL, run_before=open_help)
