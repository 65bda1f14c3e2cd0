"""The Bot tab at 80 and 130 columns: every settings input is visible with its label when
Tab reaches it, the model-target list follows targets added meanwhile, and Esc leaves a
field."""

import pytest
from textual.widgets import Input, Label, Select

from persona_tui.bot.settings import load_bot_settings
from persona_tui.chat.targets import ModelTarget, save_target
from persona_tui.tui.app import PersonaApp

SETTING_LABELS = {
    "bot-debounce": "Wait for silence before replying (s)",
    "bot-delay-min": "Minimum delay before a reply (s)",
    "bot-delay-max": "Maximum delay before a reply (s)",
    "bot-pause": "Pause between the messages of a reply (s)",
    "bot-rate": "Replies per user per hour",
    "bot-daily-cap": "Model calls per day",
    "bot-max-chars": "Maximum reply length (characters)",
}


def visible(app, widget) -> bool:
    region = widget.region
    return region.height > 0 and region.width > 0 and app.screen.region.contains_region(region)


def label_before(field: Input) -> Label:
    siblings = list(field.parent.children)
    return siblings[siblings.index(field) - 1]


@pytest.mark.parametrize("width", [80, 130])
async def test_every_input_visible_on_tab(workspace, width):
    workspace.set_setting("tui_active_tab", "bot")
    app = PersonaApp(workspace)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        seen = set()
        for _ in range(40):
            await pilot.press("tab")
            await pilot.pause()
            focused = app.focused
            if isinstance(focused, Input) and focused.id in SETTING_LABELS:
                assert visible(app, focused), focused.id
                label = label_before(focused)
                assert str(label.content) == SETTING_LABELS[focused.id]
                assert visible(app, label), focused.id
                seen.add(focused.id)
        assert seen == set(SETTING_LABELS)


async def test_daily_cap_saved_from_form(workspace):
    workspace.set_setting("tui_active_tab", "bot")
    app = PersonaApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.query_one("#bot-daily-cap", Input)
        field.focus()
        field.value = "77"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert load_bot_settings(workspace).model_calls_per_day == 77


async def test_target_list_refreshes_on_show(workspace):
    workspace.set_setting("tui_active_tab", "chat")
    app = PersonaApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        save_target(workspace, ModelTarget(name="local-ana", kind="openai", model="persona",
                                           base_url="http://127.0.0.1:8000/v1"))
        await pilot.press("5")
        await pilot.pause()
        # Select raises InvalidSelectValueError for a value that is not one of its options.
        select = app.query_one("#bot-model-target", Select)
        select.value = "local-ana"
        assert select.value == "local-ana"


async def test_escape_leaves_bot_field(workspace):
    workspace.set_setting("tui_active_tab", "bot")
    app = PersonaApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.query_one("#bot-system-prompt", Input).focus()
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.query_one("#bot-left")
