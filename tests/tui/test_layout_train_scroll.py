"""The Train tab at 80x24: the right column (log, loss chart, jobs list) scrolls from the
keyboard, the jobs list is reachable with Tab, and Esc leaves a settings field."""

from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList
from textual.widgets._footer import FooterKey

from persona_tui.training import job_store
from persona_tui.tui.app import PersonaApp

TERMINAL = (80, 24)


def record_finished_job(workspace, job_id: str) -> None:
    """Store a completed job with twenty train-loss points, as the monitor would."""
    job = job_store.record_intent(workspace, model="Qwen/Qwen3.5-9B", suffix="ana", settings={},
                                  train_file_id="file-train", validation_file_id=None, sandbox=True)
    job_store.attach_job(workspace, job.intent_key, job_id, "completed", {})
    points = [job_store.MetricPoint(step, "train", 2.0 - step * 0.05, None, None) for step in range(1, 21)]
    job_store.store_metrics(workspace, job_id, points)


def inside_screen(app, widget) -> bool:
    region = widget.region
    return region.height > 0 and app.screen.region.contains_region(region)


async def test_jobs_list_reachable_by_tab(workspace):
    record_finished_job(workspace, "ft-layout-1")
    workspace.set_setting("tui_active_tab", "train")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        jobs = app.query_one("#train-jobs", OptionList)
        for _ in range(20):
            if app.focused is jobs:
                break
            await pilot.press("tab")
        assert app.focused is jobs

        # Enter on the job shows it: the chart makes the column taller than the screen.
        await pilot.press("down", "enter")
        await pilot.pause()
        column = app.query_one("#train-main", VerticalScroll)
        assert column.virtual_size.height > column.size.height

        # Focus on the list keeps it in view although the chart grew above it.
        jobs.scroll_visible(animate=False)
        await pilot.pause()
        assert inside_screen(app, jobs)


async def test_right_column_scrolls_with_end(workspace):
    record_finished_job(workspace, "ft-layout-2")
    workspace.set_setting("tui_active_tab", "train")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        app.query_one("#train-jobs", OptionList).focus()
        await pilot.press("down", "enter")
        await pilot.pause()

        column = app.query_one("#train-main", VerticalScroll)
        column.focus()
        await pilot.press("end")
        await pilot.pause()
        assert column.scroll_y == column.max_scroll_y
        assert column.scroll_y > 0
        assert inside_screen(app, app.query_one("#train-jobs"))

        await pilot.press("home")
        await pilot.pause()
        assert column.scroll_y == 0


async def test_escape_leaves_rank_field(workspace):
    workspace.set_setting("tui_active_tab", "train")
    app = PersonaApp(workspace)
    async with app.run_test(size=TERMINAL) as pilot:
        await pilot.pause()
        rank = app.query_one("#train-rank", Input)
        rank.focus()
        await pilot.pause()
        assert "esc" in footer_keys(app)

        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is app.query_one("#train-main")
        assert "esc" not in footer_keys(app)

        # The digit now switches tabs instead of landing in the field.
        await pilot.press("4")
        await pilot.pause()
        assert rank.value == ""
        assert app.query_one("#tabs").active == "tab-chat"


def footer_keys(app) -> list[str]:
    """Return the key labels the footer shows."""
    return [key.key_display for key in app.screen.query(FooterKey)]
