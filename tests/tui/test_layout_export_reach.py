"""The Export tab at 80x24: Tab reaches the build statistics after the last setting and
scrolls them into view, End scrolls the tab to its bottom, and setting labels wrap."""

from textual.widgets import Input, Label

from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.export import ExportTab

TERMINAL = (80, 24)


def visible(app, widget) -> bool:
    region = widget.region
    return region.height > 0 and app.screen.region.contains_region(region)


async def test_tab_reaches_build_statistics(workspace):
    workspace.set_setting("tui_active_tab", "export")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.query_one("#setting-validation_share", Input).focus()
        await pilot.press("tab")
        await pilot.pause()
        stats = app.query_one("#build-stats")
        assert app.focused is stats
        assert visible(app, stats)


async def test_end_scrolls_to_build_section(workspace):
    workspace.set_setting("tui_active_tab", "export")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.query_one("#build-stats").focus()
        await pilot.press("end")
        await pilot.pause()
        tab = app.query_one(ExportTab)
        assert tab.scroll_y == tab.max_scroll_y
        assert visible(app, app.query_one("#build-section"))

        await pilot.press("home")
        await pilot.pause()
        assert tab.scroll_y == 0


async def test_gap_minutes_label_wraps(workspace):
    workspace.set_setting("tui_active_tab", "export")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        field = app.query_one("#setting-gap_minutes", Input)
        siblings = list(field.parent.children)
        label = siblings[siblings.index(field) - 1]
        assert isinstance(label, Label)
        assert str(label.content).endswith("(minutes)")

        # The label fits the form's width, so its last words wrap onto another line
        # instead of being cut.
        form = label.parent
        assert len(str(label.content)) > form.size.width
        assert label.outer_size.width <= form.size.width
        assert label.size.height >= 2


async def test_escape_leaves_setting_field(workspace):
    workspace.set_setting("tui_active_tab", "export")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        field = app.query_one("#setting-gap_minutes", Input)
        field.focus()
        before = field.value
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.query_one("#sources")

        await pilot.press("2")
        await pilot.pause()
        assert field.value == before
        assert app.query_one("#tabs").active == "tab-inspect"
