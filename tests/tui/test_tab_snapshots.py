"""Snapshots of every tab and the help screen at 80x24 on the demo
workspace. The header shows a fixed label instead of the temporary
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


def demo_app(workspace, tab: str) -> PersonaApp:
    workspace.set_setting("tui_active_tab", tab)
    return PersonaApp(workspace, workspace_label="demo workspace")


def test_export_tab_snapshot(snap_compare, demo_workspace):
    assert snap_compare(demo_app(demo_workspace, "export"), terminal_size=TERMINAL, run_before=settle)


def test_inspect_tab_snapshot(snap_compare, demo_workspace):
    app = demo_app(demo_workspace, "inspect")
    assert snap_compare(app, terminal_size=TERMINAL, press=["j", "greater_than_sign"], run_before=settle)


def test_help_snapshot(snap_compare, demo_workspace):
    app = demo_app(demo_workspace, "inspect")

    async def open_help(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=TERMINAL, run_before=open_help)


# The Train, Chat and Bot tabs on the demo workspace before any job, chat or bot run. The
# fixtures point Together at a closed loopback port, so the Train tab shows its catalogue
# error, which is the same on every run.


def test_train_tab_snapshot(snap_compare, demo_workspace):
    assert snap_compare(demo_app(demo_workspace, "train"), terminal_size=TERMINAL, run_before=settle)


def test_chat_tab_snapshot(snap_compare, demo_workspace):
    assert snap_compare(demo_app(demo_workspace, "chat"), terminal_size=TERMINAL, run_before=settle)


def test_bot_tab_snapshot(snap_compare, demo_workspace):
    assert snap_compare(demo_app(demo_workspace, "bot"), terminal_size=TERMINAL, run_before=settle)
