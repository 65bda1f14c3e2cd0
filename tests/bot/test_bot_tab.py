"""The Bot tab starts a real detached worker, shows it running and stops it."""

import json

from textual.widgets import Static

from persona_tui.bot.paths import BotPaths
from persona_tui.bot.settings import load_bot_settings
from persona_tui.bot.supervisor import running_pid, stop_worker
from persona_tui.bot.worker import SIMCORD_HOOK_VARIABLE
from persona_tui.tui.app import PersonaApp


async def wait_for_text(pilot, widget, text, seconds=15.0):
    for _ in range(int(seconds / 0.1)):
        if text in str(widget.render()):
            return True
        await pilot.pause(0.1)
    return False


async def test_tab_starts_and_stops_worker(workspace, monkeypatch, show_tab):
    monkeypatch.setenv(SIMCORD_HOOK_VARIABLE, json.dumps({"dms": []}))
    app = PersonaApp(workspace)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await show_tab(pilot, "5", "bot")
            status = app.query_one("#bot-status", Static)
            assert "state         stopped" in str(status.render())

            await pilot.press("f5")
            assert await wait_for_text(pilot, status, "state         connected")
            assert "connected as  TestBot (" in str(status.render())
            assert running_pid(BotPaths(workspace.bot_dir)) is not None

            await pilot.press("f6")
            assert await wait_for_text(pilot, status, "state         stopped")
            assert running_pid(BotPaths(workspace.bot_dir)) is None
    finally:
        stop_worker(workspace.root, timeout_seconds=5)


async def test_tab_saves_allowlist(workspace, show_tab):
    app = PersonaApp(workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        await show_tab(pilot, "5", "bot")
        allowlist = app.query_one("#bot-allowlist")
        allowlist.focus()
        allowlist.value = "111, 222"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert load_bot_settings(workspace).allowed_user_ids == [111, 222]


async def test_tab_rejects_bad_id(workspace, show_tab):
    app = PersonaApp(workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        await show_tab(pilot, "5", "bot")
        allowlist = app.query_one("#bot-allowlist")
        allowlist.focus()
        allowlist.value = "111, bob"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(app.query_one("#bot-message", Static).render())
    assert "'bob' is not a Discord id" in message
    assert load_bot_settings(workspace).allowed_user_ids == []
