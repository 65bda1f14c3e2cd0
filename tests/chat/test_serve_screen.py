"""The Serve screen driven with Pilot against the sandbox.

A simulated fine-tuning job runs to completion first. The tests deploy it on a chosen
hardware, chat with it from the Chat tab, stop, start and delete it, and download its
weights with a cancel and a resume."""

import io
import json

import pytest
from rich.console import Console
from textual.widgets import Select, Static

from persona_tui.chat.targets import list_targets
from persona_tui.sandbox.clock import advance_clock
from persona_tui.sandbox.endpoints import endpoint_records
from persona_tui.sandbox.server import SandboxServer
from persona_tui.training.client import make_client
from persona_tui.training.launch import launch
from persona_tui.training.monitor import JobMonitor
from persona_tui.training.settings import TrainingSettings
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.chat import ChatPane
from persona_tui.tui.screens.confirm import ConfirmScreen
from persona_tui.tui.screens.serve import ServeScreen
from persona_tui.tui.widgets.endpoint_warning import EndpointWarningBar

SAMPLE_LINE = {"messages": [
    {"role": "system", "content": "persona"},
    {"role": "user", "content": "hello there"},
    {"role": "assistant", "content": "hey!"},
]}
HARDWARE = "1x_nvidia_a100_80gb_sxm"
# The sandbox prices this hardware at 4.27 cents a minute: 4.27 * 60 / 100 = $2.56 an hour.
PRICE_TEXT = "$2.56"


@pytest.fixture
def serve_sandbox():
    # 100 simulated seconds per real second: an endpoint is PENDING for 0.2 s, STARTED
    # after 0.6 s, and a 60-minute auto-stop would need 36 s, longer than a test runs.
    with SandboxServer(speed=100) as server:
        yield server


@pytest.fixture
def finished_job(workspace, serve_sandbox, tmp_path):
    """Launch a simulated job on the sandbox and move its clock past the end."""
    workspace.set_setting("together_base_url", serve_sandbox.base_url)
    workspace.set_setting("together_sandbox", True)
    train = tmp_path / "train.jsonl"
    validation = tmp_path / "validation.jsonl"
    train.write_text("".join(json.dumps(SAMPLE_LINE) + "\n" for _ in range(40)), encoding="utf-8")
    validation.write_text("".join(json.dumps(SAMPLE_LINE) + "\n" for _ in range(8)), encoding="utf-8")

    client = make_client(workspace, max_retries=0)
    settings = TrainingSettings(model="Qwen/Qwen3.5-9B", n_epochs=1, batch_size=8, n_evals=1, suffix="alice")
    result = launch(workspace, client, train, validation, settings, poll_seconds=0, retry_base_seconds=0)
    advance_clock(serve_sandbox.state, 10_000)
    assert JobMonitor(workspace, client, result.job.job_id).poll_once().status == "completed"
    return result.job.job_id


def shown_text(widget: Static) -> str:
    console = Console(width=300, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def wait_until(pilot, condition, attempts=200):
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition was not met in time")


def endpoint_panel(app) -> str:
    return shown_text(app.screen.query_one("#serve-endpoint", Static))


def bubbles(app, pane: str) -> list[str]:
    return [str(widget.render()) for widget in app.query_one(f"#{pane}-pane", ChatPane).query(".bubble")]


async def open_serve_screen(app, pilot, job_id):
    app.query_one("#chat-input").focus()
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, ServeScreen))
    await wait_until(pilot, lambda: f"Job {job_id}" in shown_text(app.screen.query_one("#serve-job-info", Static)))


async def test_deploy_chat_stop_start_delete(workspace, serve_sandbox, finished_job, show_tab):
    job_id = finished_job
    output_name = f"sandbox-user/Qwen3.5-9B-alice-{job_id[3:11]}"
    app = PersonaApp(workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        await show_tab(pilot, "4", "chat")
        main_bar = app.query_one("#endpoint-warning", EndpointWarningBar)
        assert main_bar.display is False

        await open_serve_screen(app, pilot, job_id)
        screen = app.screen
        hardware = screen.query_one("#serve-hardware", Select)
        await wait_until(pilot, lambda: len(screen.hardware.get(job_id, [])) == 3)
        hardware.value = HARDWARE
        screen.query_one("#serve-auto-stop", Select).value = 60
        screen.query_one("#serve-jobs").focus()

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = shown_text(app.screen.query_one("#confirm-question", Static))
        assert f"Deploy {output_name} (job {job_id}) on {HARDWARE}?" in question
        assert f"It costs {PRICE_TEXT} per hour, billed per minute while the endpoint" in question
        # $2.56 an hour is 2.56 / 60 = $0.0427 a minute.
        assert "about $0.043 a minute" in question
        assert "after 60 min without requests" in question
        await pilot.press("y")

        await wait_until(pilot, lambda: "state: STARTED" in endpoint_panel(app))
        states_seen = endpoint_panel(app)
        assert "Ready. u: chat with it" in states_seen

        # The workspace contains the endpoint's target, and the sandbox the requested endpoint.
        (target,) = list_targets(workspace)
        assert target.kind == "together_endpoint"
        assert target.name == f"tuned-{job_id}"
        assert target.settings["hardware"] == HARDWARE
        assert target.settings["dollars_per_hour"] == 2.56
        assert target.settings["inactive_timeout_minutes"] == 60
        (record,) = endpoint_records(serve_sandbox.state).values()
        assert record["model"] == output_name
        assert record["hardware"] == HARDWARE
        assert record["inactive_timeout"] == 60

        serve_bar = screen.query_one(EndpointWarningBar)
        assert serve_bar.display is True
        assert shown_text(serve_bar).startswith(f"Endpoint billing: tuned-{job_id} up 0 min at {PRICE_TEXT}/h")

        # u closes the screen and picks the endpoint in the Chat tab.
        await pilot.press("u")
        await wait_until(pilot, lambda: not isinstance(app.screen, ServeScreen))
        assert app.query_one("#tuned-target", Select).value == target.id
        assert main_bar.display is True
        assert f"tuned-{job_id} up 0 min at {PRICE_TEXT}/h" in shown_text(main_bar)

        app.query_one("#chat-input").focus()
        await pilot.press(*"you up", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # "you up": 2 words, so the reaction is "haha yeah"; the last line is the endpoint
        # name after its last "/".
        assert bubbles(app, "tuned") == ["you: you up", "you??", "haha yeah", f"({target.model.rsplit('/', 1)[-1]})"]

        # The warning is app-wide: it stays on another tab.
        await pilot.press("escape")
        # The chat input has focus again and would take the digit as text, so leave it first.
        app.query_one("#tuned-target").focus()
        await show_tab(pilot, "3", "train")
        await pilot.pause()
        assert main_bar.display is True

        # Stop: the warning goes away on both screens, and the target keeps no start time.
        await show_tab(pilot, "4", "chat")
        await open_serve_screen(app, pilot, job_id)
        screen = app.screen
        await wait_until(pilot, lambda: "state: STARTED" in endpoint_panel(app))
        screen.query_one("#serve-jobs").focus()
        await pilot.press("s")
        await wait_until(pilot, lambda: "state: STOPPED" in endpoint_panel(app))
        assert screen.query_one(EndpointWarningBar).display is False
        assert list_targets(workspace)[0].settings["started_at"] is None

        # Start again: billing and the warning come back.
        await pilot.press("t")
        await wait_until(pilot, lambda: "state: STARTED" in endpoint_panel(app) and screen.busy is None)
        assert screen.query_one(EndpointWarningBar).display is True
        await pilot.press("s")
        await wait_until(pilot, lambda: "state: STOPPED" in endpoint_panel(app) and screen.busy is None)

        # Delete needs a confirmation. Then the endpoint and its target are gone.
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = shown_text(app.screen.query_one("#confirm-question", Static))
        assert f"Delete endpoint {target.endpoint_id} of job {job_id}?" in question
        await pilot.press("y")
        await wait_until(pilot, lambda: "No endpoint serves this job" in endpoint_panel(app))
        assert list_targets(workspace) == []
        assert endpoint_records(serve_sandbox.state) == {}

        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ServeScreen))
        assert app.query_one("#tuned-target", Select).is_blank()
        assert main_bar.display is False


async def test_download_cancel_and_resume(workspace, serve_sandbox, finished_job, show_tab):
    job_id = finished_job
    size = 200_000
    # 13 pieces of 16 KiB with 0.1 s before each: about 1.3 s, long enough to cancel midway.
    serve_sandbox.state.data["downloads"] = {"size": size, "drop_after": None, "chunk_delay_seconds": 0.1}
    unit = f"{job_id}:adapter\n".encode()
    expected = (unit * (size // len(unit) + 1))[:size]
    final = workspace.root / "models" / f"{job_id}-adapter.tar.zst"
    partial = final.with_name(final.name + ".part")

    app = PersonaApp(workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        await show_tab(pilot, "4", "chat")
        await open_serve_screen(app, pilot, job_id)
        screen = app.screen
        status = screen.query_one("#download-status", Static)
        screen.query_one("#serve-jobs").focus()

        await pilot.press("a")
        await wait_until(pilot, lambda: partial.exists() and partial.stat().st_size > 0)
        await pilot.press("c")
        await wait_until(pilot, lambda: "Cancelled" in shown_text(status))
        kept = partial.stat().st_size
        assert 0 < kept < size
        assert not final.exists()

        serve_sandbox.state.data["downloads"]["chunk_delay_seconds"] = 0.0
        await pilot.press("a")
        await wait_until(pilot, lambda: "Saved" in shown_text(status))
        assert final.read_bytes() == expected
        assert not partial.exists()
        assert f"Saved {final} (200,000 bytes)" in shown_text(status)
        assert "docs/serving.md" in shown_text(status)
        bar = screen.query_one("#download-progress")
        assert (bar.total, bar.progress) == (size, size)
        # Two requests: the first cancelled, the second a resume from the kept bytes.
        assert len(serve_sandbox.requests_to("GET", r"/v1/finetune/download.*")) == 2


async def test_add_openai_target_from_chat_tab(workspace, openai_server, show_tab):
    app = PersonaApp(workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        await show_tab(pilot, "4", "chat")
        app.query_one("#chat-input").focus()
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "AddTargetScreen")
        dialog = app.screen

        # A base URL without a scheme is rejected in the dialog, which stays open.
        dialog.query_one("#add-target-name").value = "local"
        dialog.query_one("#add-target-model").value = "persona"
        dialog.query_one("#add-target-base-url").value = "127.0.0.1:8000/v1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = shown_text(dialog.query_one("#add-target-error", Static))
        assert "needs a base URL starting with http:// or https://" in error
        assert list_targets(workspace) == []

        dialog.query_one("#add-target-base-url").value = openai_server.base_url
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not dialog)

        (target,) = list_targets(workspace)
        assert (target.name, target.kind, target.model, target.base_url) == (
            "local", "openai", "persona", openai_server.base_url)
        assert app.query_one("#tuned-target", Select).value == target.id

        app.query_one("#chat-input").focus()
        await pilot.press(*"hey", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The stand-in streams "yo\n", "what's ", "up": split at the newline.
        assert bubbles(app, "tuned") == ["you: hey", "yo", "what's up"]
        assert openai_server.requests[0]["model"] == "persona"
