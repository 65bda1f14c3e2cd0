"""The Serve screen: deploy a finished fine-tuning job on a dedicated endpoint, watch it
start, stop, start or delete it, and download the job's weights.

Together bills a dedicated endpoint per minute while it is up, so a deploy first shows a
confirmation with the hourly price. Every call to Together runs in a worker thread
that posts messages; the screen only renders them. A ready endpoint is a model target
that the Chat tab lists; `u` closes the screen and picks it there.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from persona_tui.training import job_store
from persona_tui.training.client import is_sandbox
from persona_tui.training.serving import (
    DEFAULT_INACTIVE_TIMEOUT_MINUTES,
    EndpointStatus,
    HardwareOption,
    endpoint_target_for_job,
)
from persona_tui.tui.screens.confirm import ConfirmScreen
from persona_tui.tui.widgets.download_panel import DownloadPanel
from persona_tui.tui.widgets.endpoint_warning import EndpointWarningBar
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# Seconds between state polls while an endpoint starts or stops. Together takes minutes
# to start one, and the sandbox takes a fraction of a second at test speeds.
POLL_SECONDS = 10.0
SANDBOX_POLL_SECONDS = 0.2
STOP_TIMEOUT_SECONDS = 600.0

# (label, minutes) for the auto-stop. 0 sends a null inactive_timeout: the endpoint runs until stopped.
AUTO_STOP_CHOICES = [
    ("after 5 min without requests", 5),
    ("after 15 min without requests", 15),
    ("after 30 min without requests", 30),
    ("after 1 h without requests", 60),
    ("after 2 h without requests", 120),
    ("after 4 h without requests", 240),
    ("never (bills until stopped)", 0),
]

SETTLED_STATES = ("STARTED", "STOPPED", "ERROR")


@dataclass
class HardwareLoaded(Message):
    job_id: str
    options: list[HardwareOption]
    error: str | None


@dataclass
class EndpointStateSeen(Message):
    """A state of the job's endpoint, from a create, an update or a poll."""

    job_id: str
    status: EndpointStatus


@dataclass
class EndpointActionEnded(Message):
    """The end of an endpoint action, with `error` set to the message for the user when it failed."""

    job_id: str
    text: str | None
    error: str | None


class WatchCancelled(Exception):
    """Raised inside a state poll when its worker was cancelled (the screen closed)."""


def describe_auto_stop(minutes: int) -> str:
    if not minutes:
        return "never: it bills until you stop it"
    return f"after {minutes} min without requests"


class ServeScreen(Screen[int | None]):
    """Dismisses with the id of the target to chat with (`u`), or None."""

    BINDINGS = [
        Binding("d", "deploy", "Deploy", id="serve-deploy"),
        Binding("s", "stop", "Stop endpoint", id="serve-stop"),
        Binding("t", "start", "Start endpoint", id="serve-start"),
        Binding("x", "delete", "Delete endpoint", id="serve-delete"),
        Binding("u", "use_in_chat", "Chat with it", id="serve-use-in-chat"),
        Binding("a", "download('adapter')", "Download adapter", id="serve-download-adapter"),
        Binding("m", "download('merged')", "Download merged", id="serve-download-merged"),
        Binding("c", "cancel_download", "Cancel download", id="serve-cancel-download"),
        Binding("r", "refresh", "Refresh", id="serve-refresh"),
        Binding("escape", "close", "Back", id="serve-close"),
    ]

    DEFAULT_CSS = """
    ServeScreen #serve-body { height: 1fr; }
    ServeScreen #serve-jobs-pane { width: 48; padding: 0 1; }
    ServeScreen #serve-jobs { height: 1fr; }
    ServeScreen #serve-main { width: 1fr; padding: 0 1; }
    ServeScreen #serve-endpoint { height: auto; margin: 1 0; border: round $primary; padding: 0 1; }
    ServeScreen #serve-job-info { height: auto; }
    ServeScreen Label { width: 100%; }
    """

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.job_id: str | None = None
        self.hardware: dict[str, list[HardwareOption]] = {}
        self.states: dict[str, str] = {}             # job id -> last endpoint state seen
        self.busy: str | None = None                  # the endpoint action under way

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        label = " · SIMULATED (sandbox)" if is_sandbox(self.workspace) else ""
        yield Header()
        with Horizontal(id="serve-body"):
            with Vertical(id="serve-jobs-pane"):
                yield Label(f"Finished fine-tuning jobs{label}")
                yield OptionList(id="serve-jobs")
            with VerticalScroll(id="serve-main"):
                yield Static("", id="serve-job-info", markup=False)
                yield Label("Hardware (price per hour while the endpoint is up)", id="serve-hardware-label")
                yield Select([], prompt="choose a job first", id="serve-hardware")
                yield Label("Auto-stop")
                yield Select(AUTO_STOP_CHOICES, value=DEFAULT_INACTIVE_TIMEOUT_MINUTES, allow_blank=False,
                             id="serve-auto-stop")
                yield Static("", id="serve-endpoint", markup=False)
                yield DownloadPanel(self.workspace, id="serve-download")
        yield EndpointWarningBar(self.workspace, id="serve-warning")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Serve a fine-tuned model"
        jobs = self.finished_jobs()
        option_list = self.query_one("#serve-jobs", OptionList)
        option_list.set_options([Option(f"{job.job_id}\n  {job.output_name}", id=job.job_id) for job in jobs])
        if not jobs:
            self.query_one("#serve-job-info", Static).update(
                "No finished fine-tuning job yet. Launch one in the Train tab; once it is completed "
                "it is listed here."
            )
        option_list.focus()
        if jobs:
            option_list.highlighted = 0

    def finished_jobs(self) -> list[job_store.JobRow]:
        return [job for job in job_store.list_jobs(self.workspace)
                if job.status == "completed" and job.job_id and job.output_name]

    def poll_seconds(self) -> float:
        return SANDBOX_POLL_SECONDS if is_sandbox(self.workspace) else POLL_SECONDS

    # Choosing a job ----------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#serve-jobs")
    def job_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.select_job(event.option.id)

    def select_job(self, job_id: str | None) -> None:
        self.job_id = job_id
        if job_id is None:
            return
        job = job_store.job_by_id(self.workspace, job_id)
        self.query_one("#serve-job-info", Static).update(
            f"Job {job_id}: {job.model} tuned into {job.output_name}"
        )
        self.show_hardware(job_id)
        self.show_endpoint(job_id)
        if job_id not in self.hardware:
            self.load_hardware(job_id, job.output_name)
        target = endpoint_target_for_job(self.workspace, job_id)
        if target is not None and self.busy is None:
            self.check_endpoint(job_id, target.endpoint_id)

    @work(thread=True, group="serve-hardware", exit_on_error=False)
    def load_hardware(self, job_id: str, model: str) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.serving import list_hardware

        try:
            options = list_hardware(make_client(self.workspace), model)
        except Exception as error:  # noqa: BLE001 - shown on the screen instead of ending the app
            log.warning("listing hardware for job %s failed: %s: %s", job_id, type(error).__name__, error)
            self.post_message(HardwareLoaded(job_id, [], f"Listing hardware failed: {error}. Press r to retry."))
            return
        self.post_message(HardwareLoaded(job_id, options, None))

    @on(HardwareLoaded)
    def hardware_loaded(self, message: HardwareLoaded) -> None:
        if message.error:
            self.notify(message.error, severity="error")
            return
        self.hardware[message.job_id] = message.options
        if message.job_id == self.job_id:
            self.show_hardware(message.job_id)

    def show_hardware(self, job_id: str) -> None:
        select = self.query_one("#serve-hardware", Select)
        options = self.hardware.get(job_id)
        if options is None:
            select.set_options([])
            select.prompt = "loading hardware and prices…"
            return
        select.set_options([(option.describe(), option.id) for option in options])
        select.prompt = "choose hardware"

    def chosen_hardware(self) -> HardwareOption | None:
        value = self.query_one("#serve-hardware", Select).value
        return next((option for option in self.hardware.get(self.job_id or "", []) if option.id == value), None)

    def chosen_auto_stop(self) -> int:
        return int(self.query_one("#serve-auto-stop", Select).value)

    # The endpoint panel ------------------------------------------------------------------

    def show_endpoint(self, job_id: str) -> None:
        if job_id != self.job_id:
            return
        panel = self.query_one("#serve-endpoint", Static)
        target = endpoint_target_for_job(self.workspace, job_id)
        if target is None:
            panel.update("No endpoint serves this job. Choose hardware and the auto-stop, then press d to deploy.")
            return

        state = self.states.get(job_id, "checking…")
        settings = target.settings
        lines = [
            f"Endpoint {target.endpoint_id}",
            f"state: {state}",
            f"hardware: {settings.get('hardware')} at ${float(settings.get('dollars_per_hour') or 0):.2f}/h, "
            f"billed per minute while up",
            f"auto-stop: {describe_auto_stop(int(settings.get('inactive_timeout_minutes') or 0))}",
            f"chat target: {target.name} (model {target.model})",
        ]
        if self.busy:
            lines.append(f"{self.busy}…")
        elif state == "STARTED":
            lines.append("Ready. u: chat with it in the Chat tab · s: stop · x: delete")
        elif state == "STOPPED":
            lines.append("Stopped, so it does not bill. t: start again · x: delete")
        elif state == "ERROR":
            lines.append("Together reports an error. x: delete it, then deploy again")
        panel.update("\n".join(lines))

    @on(EndpointStateSeen)
    def state_seen(self, message: EndpointStateSeen) -> None:
        self.states[message.job_id] = message.status.state
        self.show_endpoint(message.job_id)
        self.query_one(EndpointWarningBar).show_warning()

    @on(EndpointActionEnded)
    def action_ended(self, message: EndpointActionEnded) -> None:
        self.busy = None
        if endpoint_target_for_job(self.workspace, message.job_id) is None:
            self.states.pop(message.job_id, None)
        if message.error:
            self.notify(message.error, severity="error", timeout=10)
        elif message.text:
            self.notify(message.text)
        self.show_endpoint(message.job_id)
        self.query_one(EndpointWarningBar).show_warning()

    # Workers for Together calls ---------------------------------------------------------

    def post_state(self, job_id: str, status: EndpointStatus) -> None:
        """Post `status` from a worker thread, or raise WatchCancelled if the screen closed."""
        if get_current_worker().is_cancelled:
            raise WatchCancelled(job_id)
        self.post_message(EndpointStateSeen(job_id, status))

    def wait_for_state(self, client, job_id: str, endpoint_id: str, expected: str) -> EndpointStatus:
        """Poll the endpoint until it reaches `expected` (or another settled state), posting
        each state it passes."""
        from persona_tui.training.serving import ServingError, get_endpoint, wait_until_ready

        if expected == "STARTED":
            return wait_until_ready(client, endpoint_id, poll_seconds=self.poll_seconds(),
                                    on_state=lambda status: self.post_state(job_id, status))
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while True:
            status = get_endpoint(client, endpoint_id)
            self.post_state(job_id, status)
            if status.state in SETTLED_STATES:
                return status
            if time.monotonic() >= deadline:
                raise ServingError(f"Endpoint {endpoint_id} is still {status.state} after "
                                   f"{STOP_TIMEOUT_SECONDS:g} s; press r to check it again.")
            time.sleep(self.poll_seconds())

    def run_endpoint_action(self, job_id: str, describe: str, action) -> None:
        """Run `action(client)` in this worker thread and post how it ended."""
        import together

        from persona_tui.training.client import MissingApiKeyError, make_client
        from persona_tui.training.serving import ServingError

        try:
            text = action(make_client(self.workspace))
        except WatchCancelled:
            log.info("stopped watching the endpoint of job %s: the Serve screen closed", job_id)
            return
        except (ServingError, MissingApiKeyError) as error:
            log.warning("%s for job %s failed: %s", describe, job_id, error)
            self.post_message(EndpointActionEnded(job_id, None, str(error)))
            return
        except together.APIError as error:
            log.warning("%s for job %s failed: %s: %s", describe, job_id, type(error).__name__, error)
            self.post_message(EndpointActionEnded(job_id, None, f"{describe} failed: {error}. Press r to check the state."))
            return
        self.post_message(EndpointActionEnded(job_id, text, None))

    @work(thread=True, group="serve-endpoint", exit_on_error=False)
    def deploy(self, job_id: str, hardware: str, auto_stop_minutes: int) -> None:
        from persona_tui.training.serving import deploy_job

        def create_and_wait(client) -> str:
            status, target = deploy_job(self.workspace, client, job_id, hardware=hardware,
                                        inactive_timeout_minutes=auto_stop_minutes)
            self.post_state(job_id, status)
            self.wait_for_state(client, job_id, status.id, "STARTED")
            return f"Endpoint {status.id} is ready: chat with target {target.name}."

        self.run_endpoint_action(job_id, "Deploying", create_and_wait)

    @work(thread=True, group="serve-endpoint", exit_on_error=False)
    def change_state(self, job_id: str, endpoint_id: str, expected: str) -> None:
        from persona_tui.training.serving import start_endpoint, stop_endpoint

        def update_and_wait(client) -> str:
            change = start_endpoint if expected == "STARTED" else stop_endpoint
            self.post_state(job_id, change(self.workspace, client, endpoint_id))
            status = self.wait_for_state(client, job_id, endpoint_id, expected)
            return f"Endpoint {endpoint_id} is {status.state}."

        self.run_endpoint_action(job_id, "Starting" if expected == "STARTED" else "Stopping", update_and_wait)

    @work(thread=True, group="serve-endpoint", exit_on_error=False)
    def delete(self, job_id: str, endpoint_id: str) -> None:
        from persona_tui.training.serving import delete_endpoint

        def delete_it(client) -> str:
            delete_endpoint(self.workspace, client, endpoint_id)
            return f"Deleted endpoint {endpoint_id} and its chat target."

        self.run_endpoint_action(job_id, "Deleting", delete_it)

    @work(thread=True, group="serve-endpoint", exit_on_error=False)
    def check_endpoint(self, job_id: str, endpoint_id: str) -> None:
        """Ask Together for the endpoint's state and store a stop seen there."""
        from persona_tui.training.serving import get_endpoint, set_started_at

        def check(client) -> None:
            status = get_endpoint(client, endpoint_id)
            if status.state in ("STOPPED", "ERROR"):
                set_started_at(self.workspace, endpoint_id, None)
            self.post_state(job_id, status)
            return None

        self.run_endpoint_action(job_id, "Checking the endpoint", check)

    # Actions ------------------------------------------------------------------------------

    def can_act(self) -> bool:
        if self.job_id is None:
            self.notify("Choose a finished job first.")
            return False
        if self.busy is not None:
            self.notify(f"{self.busy}; wait for it to finish.")
            return False
        return True

    def endpoint_or_notify(self):
        target = endpoint_target_for_job(self.workspace, self.job_id)
        if target is None:
            self.notify(f"Job {self.job_id} has no endpoint; press d to deploy one.")
        return target

    def action_deploy(self) -> None:
        if not self.can_act():
            return
        existing = endpoint_target_for_job(self.workspace, self.job_id)
        if existing is not None:
            self.notify(f"Job {self.job_id} already has endpoint {existing.endpoint_id}: start it with t, "
                        "or delete it with x before deploying again.")
            return
        hardware = self.chosen_hardware()
        if hardware is None:
            self.notify("Choose the hardware first; its price per hour is shown next to it.")
            return

        job_id, minutes = self.job_id, self.chosen_auto_stop()
        output_name = job_store.job_by_id(self.workspace, job_id).output_name
        question = (
            f"Deploy {output_name} (job {job_id}) on {hardware.id}?\n\n"
            f"It costs ${hardware.dollars_per_hour:.2f} per hour, billed per minute while the endpoint "
            f"is up (about ${hardware.dollars_per_hour / 60:.3f} a minute), whether or not anyone chats.\n"
            f"Auto-stop: {describe_auto_stop(minutes)}."
        )
        if is_sandbox(self.workspace):
            question += "\n\nSIMULATED (sandbox): nothing is billed."

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.busy = f"Deploying on {hardware.id}"
                self.show_endpoint(job_id)
                self.deploy(job_id, hardware.id, minutes)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_stop(self) -> None:
        if self.can_act() and (target := self.endpoint_or_notify()) is not None:
            self.busy = "Stopping"
            self.show_endpoint(self.job_id)
            self.change_state(self.job_id, target.endpoint_id, "STOPPED")

    def action_start(self) -> None:
        if self.can_act() and (target := self.endpoint_or_notify()) is not None:
            self.busy = "Starting (billing starts now)"
            self.show_endpoint(self.job_id)
            self.change_state(self.job_id, target.endpoint_id, "STARTED")

    def action_delete(self) -> None:
        if not self.can_act() or (target := self.endpoint_or_notify()) is None:
            return
        job_id = self.job_id
        question = (
            f"Delete endpoint {target.endpoint_id} of job {job_id}?\n\n"
            f"The chat target {target.name} is removed with it. The fine-tuned model stays on "
            "Together, so you can deploy it again later."
        )

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.busy = "Deleting"
                self.show_endpoint(job_id)
                self.delete(job_id, target.endpoint_id)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_use_in_chat(self) -> None:
        if self.job_id is None:
            self.notify("Choose a finished job first.")
            return
        target = self.endpoint_or_notify()
        if target is None:
            return
        if self.states.get(self.job_id) != "STARTED":
            self.notify(f"Endpoint {target.endpoint_id} is not ready yet; it answers once its state is STARTED.")
        self.dismiss(target.id)

    def action_download(self, checkpoint: str) -> None:
        if self.job_id is None:
            self.notify("Choose a finished job first.")
            return
        self.query_one(DownloadPanel).start(self.job_id, checkpoint)

    def action_cancel_download(self) -> None:
        self.query_one(DownloadPanel).cancel()

    def action_refresh(self) -> None:
        self.hardware.pop(self.job_id or "", None)
        self.select_job(self.job_id)
        self.query_one(EndpointWarningBar).refresh_warning()

    def action_close(self) -> None:
        self.dismiss(None)
