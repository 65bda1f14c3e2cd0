"""Switching tabs with the digit keys: each key shows its tab, a tab is built only when it
is first shown, and the Bot tab reads its status only while it is visible."""

from persona_tui.tui.app import PersonaApp, load_tab_class
from persona_tui.tui.tabs import TABS

SIZE = (100, 30)


def test_every_tab_class_imports():
    # The app imports a tab's module on first show, so a wrong path must fail here instead.
    names = {spec.id: load_tab_class(spec).__name__ for spec in TABS}
    assert names == {"export": "ExportTab", "inspect": "InspectTab", "train": "TrainTab",
                     "chat": "ChatTab", "bot": "BotTab"}


async def test_only_opening_tab_is_built(workspace):
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.query_one("#tabs").active == "tab-export"
        built = pilot.app.query("#export-tab, #inspect-tab, #train-tab, #chat-tab, #bot-tab")
        assert [widget.id for widget in built] == ["export-tab"]


async def test_digit_keys_show_tabs(workspace, show_tab):
    expected = [("2", "inspect"), ("3", "train"), ("4", "chat"), ("5", "bot"), ("1", "export")]
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        for key, tab_id in expected:
            tab = await show_tab(pilot, key, tab_id)
            assert tab.id == f"{tab_id}-tab"
            assert workspace.get_setting("tui_active_tab") == tab_id
            if tab_id == "chat":
                # The Chat tab starts in its message box, where a digit is text; Esc leaves it.
                await pilot.press("escape")
        # Showing a tab again reuses the widget built the first time.
        assert len(pilot.app.query("#train-tab")) == 1


async def test_bot_refresh_pauses_when_hidden(workspace, show_tab):
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        bot = await show_tab(pilot, "5", "bot")
        # Textual 8's Timer has no public flag for "paused"; _active is set while it runs.
        assert bot.refresh_timer._active.is_set()

        await show_tab(pilot, "1", "export")
        assert not bot.refresh_timer._active.is_set()

        await show_tab(pilot, "5", "bot")
        assert bot.refresh_timer._active.is_set()
