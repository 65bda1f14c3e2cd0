"""The Chat tab at 80x24: labelled sampling fields, errors that name the invalid field and
its range, focus after sending and after Esc, and the add-target dialog reachable."""

from textual.widgets import Input

from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.add_target import AddTargetScreen

TERMINAL = (80, 24)


def visible(app, widget) -> bool:
    region = widget.region
    return region.height > 0 and app.screen.region.contains_region(region)


def chat_app(workspace) -> PersonaApp:
    workspace.set_setting("tui_active_tab", "chat")
    return PersonaApp(workspace)


def notification_texts(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_sampling_fields_have_labels(workspace):
    app = chat_app(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        labels = {field_id: app.query_one(f"#{field_id}", Input).border_title
                  for field_id in ("temperature", "top-p", "max-tokens")}
        assert labels == {"temperature": "temperature", "top-p": "top-p", "max-tokens": "max tokens"}
        assert visible(app, app.query_one("#max-tokens"))


async def test_bad_top_p_names_field_and_range(workspace):
    app = chat_app(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.query_one("#top-p", Input).value = "0.80.9"
        box = app.query_one("#chat-input", Input)
        box.focus()
        box.value = "hello"
        await pilot.press("enter")
        await pilot.pause()
        assert notification_texts(app) == ["The top-p '0.80.9' is invalid: enter a number above 0 and at most 1."]

        # Nothing was sent, so the typed message is kept.
        assert box.value == "hello"


async def test_temperature_out_of_range_named(workspace):
    app = chat_app(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.query_one("#temperature", Input).value = "3"
        box = app.query_one("#chat-input", Input)
        box.focus()
        box.value = "hello"
        await pilot.press("enter")
        await pilot.pause()
        assert notification_texts(app) == ["The temperature '3' is invalid: enter a number from 0 to 2."]


async def test_focus_stays_after_send_and_esc_leaves(workspace):
    app = chat_app(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        box = app.query_one("#chat-input", Input)
        box.focus()
        await pilot.press(*"hi", "enter")
        await pilot.pause()
        assert box.value == ""
        assert app.focused is box

        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.query_one("#tuned-pane")

        await pilot.press("5")
        await pilot.pause()
        assert app.query_one("#tabs").active == "tab-bot"


async def test_add_target_endpoint_field_reachable(workspace):
    app = chat_app(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, AddTargetScreen)
        endpoint = app.screen.query_one("#add-target-endpoint-id", Input)
        for _ in range(8):
            if app.focused is endpoint:
                break
            await pilot.press("tab")
            await pilot.pause()
        assert app.focused is endpoint
        assert visible(app, endpoint)
