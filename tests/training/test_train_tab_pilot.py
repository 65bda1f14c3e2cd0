"""The Train tab driven like a person: launch on the sandbox, watch the curve grow, and
resume monitoring after the app restarts mid-job."""

import io

from rich.console import Console
from textual.widgets import Input, Select, Static

from persona_tui.sandbox.clock import advance_clock
from persona_tui.sandbox.fine_tunes import fine_tunes_state
from persona_tui.training import job_store
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.confirm import ConfirmScreen
from persona_tui.tui.screens.train import TrainTab
from persona_tui.workspace import Workspace

RUNNING_AT = 30
STEP = 10


def shown_text(static: Static) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(static.content)
    return console.export_text()


def record_dataset(workspace, train, validation):
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO datasets(created_at, train_path, validation_path, train_count, validation_count, "
            "train_sha256, validation_sha256, token_estimate) VALUES ('2026-01-01T00:00:00+00:00', ?, ?, 40, 8, '', '', 0)",
            (str(train), str(validation)),
        )


async def wait_until(pilot, condition, attempts=200):
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition was not met in time")


def braille_cells(text: str) -> int:
    return sum(1 for char in text if 0x2801 <= ord(char) <= 0x28FF)


async def test_launch_from_tab_and_curve_grows(sandbox_workspace, sandbox, dataset, show_tab):
    record_dataset(sandbox_workspace, *dataset)
    app = PersonaApp(sandbox_workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        # The tab's key also moves focus into the tab, so its bindings apply.
        tab = await show_tab(pilot, "3", "train")
        assert isinstance(tab, TrainTab)
        await wait_until(pilot, lambda: bool(tab.catalog))
        tab.query_one("#train-model", Select).value = "Qwen/Qwen3.5-9B"
        tab.query_one("#train-batch", Input).value = "8"
        tab.query_one("#train-evals", Input).value = "5"
        tab.query_one("#train-suffix", Input).value = "alice"

        await pilot.press("ctrl+l")
        # The dialog is pushed from the launch worker; its question exists once it is composed.
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.query("#confirm-question"))
        await pilot.pause()
        question = shown_text(app.screen.query_one("#confirm-question", Static))
        assert "SIMULATED" in question
        assert "estimated price" in question
        await pilot.press("y")

        await wait_until(pilot, lambda: tab.shown_job_id is not None)
        job_id = tab.shown_job_id
        assert list(fine_tunes_state(sandbox.state)["jobs"]) == [job_id]

        advance_clock(sandbox.state, RUNNING_AT + 3 * STEP)
        tab.poll_tick()
        await wait_until(pilot, lambda: "step 3/15" in shown_text(tab.query_one("#train-monitor", Static)))
        early = shown_text(tab.query_one("#train-monitor", Static))

        advance_clock(sandbox.state, 9 * STEP)
        tab.poll_tick()
        await wait_until(pilot, lambda: "step 12/15" in shown_text(tab.query_one("#train-monitor", Static)))
        later = shown_text(tab.query_one("#train-monitor", Static))

        assert "SIMULATED" in later
        assert braille_cells(later) > braille_cells(early)
        # Evaluations at steps 3 and then 3, 6, 9, 12.
        assert early.count("●") == 1 + 1     # one point plus the legend's marker
        assert later.count("●") == 4 + 1


async def test_tab_resumes_after_restart(sandbox_workspace, sandbox, dataset, show_tab):
    from persona_tui.training.client import make_client
    from persona_tui.training.launch import launch
    from persona_tui.training.settings import TrainingSettings

    client = make_client(sandbox_workspace, max_retries=0)
    settings = TrainingSettings(model="Qwen/Qwen3.5-9B", n_epochs=3, batch_size=8, n_evals=5)
    job_id = launch(sandbox_workspace, client, dataset[0], dataset[1], settings, poll_seconds=0).job.job_id
    advance_clock(sandbox.state, RUNNING_AT + 4 * STEP)

    first = PersonaApp(sandbox_workspace)
    async with first.run_test(size=(160, 50)) as pilot:
        tab = await show_tab(pilot, "3", "train")
        await wait_until(pilot, lambda: "step 4/15" in shown_text(tab.query_one("#train-monitor", Static)))
    root = sandbox_workspace.root
    sandbox_workspace.close()

    advance_clock(sandbox.state, 1000)
    with Workspace.open(root) as reopened:
        second = PersonaApp(reopened)
        async with second.run_test(size=(160, 50)) as pilot:
            tab = await show_tab(pilot, "3", "train")
            assert tab.shown_job_id == job_id
            await wait_until(pilot, lambda: "completed" in shown_text(tab.query_one("#train-monitor", Static)))
            text = shown_text(tab.query_one("#train-monitor", Static))
            assert f"output model: sandbox-user/Qwen3.5-9B-{job_id[3:11]}" in text
        assert len(job_store.load_metrics(reopened, job_id)) == 15 + 5
