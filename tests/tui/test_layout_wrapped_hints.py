"""Hints and labels at 80 columns wrap onto more lines instead of being cut, so the unit
or instruction at their end stays readable."""

from textual.widgets import Label

from persona_tui.tui.app import PersonaApp
from persona_tui.tui.dialogs.redact_selection import RedactSelection
from persona_tui.tui.screens.serve import ServeScreen

TERMINAL = (80, 24)


def assert_wrapped(label: Label, expected_end: str) -> None:
    text = str(label.content)
    assert text.endswith(expected_end)
    assert label.outer_size.width <= label.parent.size.width
    assert label.size.width * label.size.height >= len(text)
    assert label.size.height >= 2


async def test_redact_hint_wraps(workspace):
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.push_screen(RedactSelection("call me at 5551234567"))
        await pilot.pause()
        assert_wrapped(app.screen.query_one("#redact-hint", Label), "Esc to cancel")


async def test_serve_hardware_label_wraps(workspace):
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.push_screen(ServeScreen(workspace))
        await pilot.pause()
        assert_wrapped(app.screen.query_one("#serve-hardware-label", Label), "while the endpoint is up)")


async def test_bot_allowlist_label_wraps(workspace):
    workspace.set_setting("tui_active_tab", "bot")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        label = next(label for label in app.query("#bot-left Label")
                     if str(label.content).startswith("Allowed user ids"))
        assert_wrapped(label, "empty answers nobody)")
        kill = app.query_one("#bot-kill-button")
        assert app.screen.region.contains_region(kill.region)
        assert kill.region.right <= app.query_one("#bot-left").region.right
