"""The help screen lists Help once with both of its keys."""

from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.help import HelpScreen


async def test_help_row_shows_both_keys(workspace):
    workspace.set_setting("tui_active_tab", "export")
    app = PersonaApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_rows = [row for row in app.screen.rows if row[1] == "Help"]
        assert help_rows == [("? / F1", "Help", "PersonaApp")]


async def test_bot_function_keys_uppercase(workspace):
    workspace.set_setting("tui_active_tab", "bot")
    app = PersonaApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.query_one("#bot-left").focus()
        await pilot.press("question_mark")
        await pilot.pause()
        keys = {description: key for key, description, _ in app.screen.rows}
        assert keys["Start bot"] == "F5"
        assert keys["Kill switch"] == "F7"
