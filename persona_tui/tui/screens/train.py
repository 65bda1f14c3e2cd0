"""The Train tab: pick a base model, set the job up, check, launch and watch it learn.

The catalogue, preflight, launch and every poll run in worker threads that post
messages; the tab only renders. The monitor polls only while the tab is visible and
redraws only when a poll stored something new. The app mounts the tab the first time
it is shown; on mount it loads the catalogue and looks for jobs that are still running,
so after a restart monitoring resumes where it stopped.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from persona_tui.training import job_store
from persona_tui.tui.leave_field import is_editing, leave_field_binding
from persona_tui.training.client import is_sandbox
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# Seconds between polls of a running job: Together's own guidance is 30-60 s; the sandbox
# moves faster, so the demo polls every second.
POLL_SECONDS = 30.0
SANDBOX_POLL_SECONDS = 1.0


@dataclass
class CatalogLoaded(Message):
    entries: list
    error: str | None


@dataclass
class StatusText(Message):
    """A line for the launch panel: preflight results, upload progress, notes, errors."""

    text: str


@dataclass
class JobLaunched(Message):
    job_id: str


@dataclass
class PollDone(Message):
    job_id: str
    changed: bool
    terminal: bool
    note: str | None


class TrainTab(Vertical):
    BINDINGS = [
        Binding("ctrl+p", "preflight", "Preflight", id="train-preflight"),
        Binding("ctrl+l", "launch", "Launch", id="train-launch"),
        Binding("ctrl+x", "cancel_job", "Cancel job", id="train-cancel"),
        Binding("ctrl+g", "toggle_log_scale", "Log scale", id="train-log-scale"),
        Binding("ctrl+b", "toggle_braille", "Braille/plain", id="train-braille"),
        Binding("ctrl+k", "keys", "Keys", id="train-keys"),
        leave_field_binding("train"),
    ]

    DEFAULT_CSS = """
    TrainTab > Horizontal { height: 1fr; }
    TrainTab #train-settings { width: 44; padding: 0 1; }
    TrainTab #train-settings Input, TrainTab #train-settings Select { margin-bottom: 0; }
    TrainTab #train-main { width: 1fr; }
    TrainTab #train-main:focus { background: $boost; }
    TrainTab #train-monitor { height: auto; }
    TrainTab #train-jobs { height: 8; }
    TrainTab #train-status { height: auto; max-height: 12; }
    """

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.catalog: dict = {}
        self.shown_job_id: str | None = None
        self.log_scale = False
        self.braille = True
        self.last_note: str | None = None
        self.poll_timer = None
        self.poll_busy = threading.Lock()

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        label = " · SIMULATED (sandbox)" if is_sandbox(self.workspace) else ""
        with Horizontal():
            with VerticalScroll(id="train-settings"):
                yield Label(f"Base model{label}")
                yield Select([], prompt="loading the catalogue…", id="train-model")
                yield Static("", id="train-model-info", markup=False)
                yield Label("Epochs")
                yield Input("3", id="train-epochs", type="integer")
                yield Label("LoRA rank (blank: the model's default)")
                yield Input("", id="train-rank", type="integer")
                yield Label("Learning rate")
                yield Input("0.0001", id="train-learning-rate", type="number")
                yield Label("Batch size (number or max)")
                yield Input("max", id="train-batch")
                yield Label("Validation evaluations")
                yield Input("10", id="train-evals", type="integer")
                yield Checkbox("Early stopping", id="train-early-stopping")
                yield Label("Suffix of the output name")
                yield Input("", id="train-suffix")
            # A scroll container that takes focus, because at 80x24 the log, the loss chart
            # and the jobs list are taller than the screen: PageDown and End scroll it, and
            # Tab moves on into the jobs list, which scrolls into view when focused.
            with VerticalScroll(id="train-main"):
                yield Static("", id="train-status", markup=False)
                yield Static("Select a job below, or launch one.", id="train-monitor")
                yield OptionList(id="train-jobs")

    def on_mount(self) -> None:
        self.load_catalog()
        self.refresh_jobs()
        active = job_store.active_jobs(self.workspace)
        if active:
            self.show_job(active[0].job_id)
            self.set_status(f"Resumed monitoring {active[0].job_id}.")

    # Keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return is_editing(self.app)
        return True

    def action_leave_field(self) -> None:
        self.query_one("#train-main", VerticalScroll).focus()

    # Visibility: poll only while the tab is shown ----------------------------------------

    def on_show(self) -> None:
        self.start_polling()

    def on_hide(self) -> None:
        self.stop_polling()

    def poll_interval(self) -> float:
        return SANDBOX_POLL_SECONDS if is_sandbox(self.workspace) else POLL_SECONDS

    def start_polling(self) -> None:
        if self.poll_timer is None:
            self.poll_timer = self.set_interval(self.poll_interval(), self.poll_tick)
            self.poll_tick()

    def stop_polling(self) -> None:
        if self.poll_timer is not None:
            self.poll_timer.stop()
            self.poll_timer = None

    def poll_tick(self) -> None:
        job = job_store.job_by_id(self.workspace, self.shown_job_id) if self.shown_job_id else None
        if job is not None and not job.is_terminal and not self.poll_busy.locked():
            self.poll_job(job.job_id)

    # Catalogue --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="train-catalog")
    def load_catalog(self) -> None:
        from persona_tui.training.catalog import load_catalog
        from persona_tui.training.client import MissingApiKeyError, make_client

        try:
            entries = load_catalog(make_client(self.workspace, max_retries=2))
        except MissingApiKeyError as error:
            self.post_message(CatalogLoaded([], str(error)))
            return
        except Exception as error:  # noqa: BLE001 - any failure is shown, the tab stays usable
            log.warning("loading the catalogue failed: %s", type(error).__name__)
            self.post_message(CatalogLoaded([], f"Loading the model catalogue failed ({type(error).__name__}); press ctrl+p to retry."))
            return
        self.post_message(CatalogLoaded(entries, None))

    @on(CatalogLoaded)
    def show_catalog(self, message: CatalogLoaded) -> None:
        select = self.query_one("#train-model", Select)
        if message.error:
            select.prompt = "no catalogue (see the status)"
            self.set_status(message.error)
            return
        self.catalog = {entry.model: entry for entry in message.entries}
        select.set_options([(f"{entry.model} · {entry.serving}", entry.model) for entry in message.entries])
        select.prompt = "choose a base model"

    @on(Select.Changed, "#train-model")
    def describe_model(self, event: Select.Changed) -> None:
        entry = self.catalog.get(event.value)
        if entry is None:
            return
        self.query_one("#train-model-info", Static).update(
            f"context {entry.context_length:,} · LoRA rank ≤ {entry.max_lora_rank} · "
            f"batch {entry.min_batch_size}-{entry.max_batch_size}\nafterwards: {entry.serving}"
        )

    # Settings ---------------------------------------------------------------------------

    def read_settings(self):
        from persona_tui.training.settings import TrainingSettings

        model = self.query_one("#train-model", Select).value
        if not isinstance(model, str):
            raise ValueError("Choose a base model first.")

        def number(widget_id: str, kind, default):
            text = self.query_one(widget_id, Input).value.strip()
            return kind(text) if text else default

        batch_text = self.query_one("#train-batch", Input).value.strip() or "max"
        return TrainingSettings(
            model=model,
            n_epochs=number("#train-epochs", int, 3),
            lora_rank=number("#train-rank", int, None),
            learning_rate=number("#train-learning-rate", float, 1e-4),
            batch_size=batch_text if batch_text == "max" else int(batch_text),
            n_evals=number("#train-evals", int, 10),
            early_stopping=self.query_one("#train-early-stopping", Checkbox).value,
            suffix=self.query_one("#train-suffix", Input).value.strip() or None,
        )

    def dataset_paths(self):
        from persona_tui.training.datasets import latest_dataset

        return latest_dataset(self.workspace)

    # Preflight and launch ---------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self.query_one("#train-status", Static).update(text)

    @on(StatusText)
    def show_status(self, message: StatusText) -> None:
        self.set_status(message.text)

    def checked_inputs(self):
        """Return (settings, train path, validation path) or None after saying what is missing."""
        if not self.catalog:
            self.load_catalog()
        try:
            settings = self.read_settings()
        except ValueError as error:
            self.set_status(str(error))
            return None
        paths = self.dataset_paths()
        if paths is None:
            self.set_status("No dataset has been exported yet; export one in the Export tab first.")
            return None
        return settings, paths[0], paths[1]

    def action_preflight(self) -> None:
        checked = self.checked_inputs()
        if checked:
            self.run_preflight(*checked)

    @work(thread=True, exclusive=True, group="train-launch")
    def run_preflight(self, settings, train_path, validation_path) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.preflight import run_preflight
        from persona_tui.training.settings import settings_problems

        problems = settings_problems(settings, self.catalog.get(settings.model), has_validation=validation_path is not None)
        report = run_preflight(self.workspace, train_path, validation_path, settings, make_client(self.workspace, max_retries=2))
        self.post_message(StatusText("\n".join(problems + report.summary_lines())))

    def action_launch(self) -> None:
        checked = self.checked_inputs()
        if checked:
            self.run_launch(*checked)

    def ask(self, question: str) -> bool:
        """Ask the user a yes/no question from a worker thread and block until they reply.

        Return False without a reply when the worker is cancelled, as it is when the app
        exits with the question open, so the thread ends and the process can exit."""
        from persona_tui.tui.screens.confirm import ConfirmScreen

        worker = get_current_worker()
        answered = threading.Event()
        answer: list[bool] = []

        def on_answer(value: bool | None) -> None:
            answer.append(bool(value))
            answered.set()

        self.app.call_from_thread(self.app.push_screen, ConfirmScreen(question), on_answer)
        while not answered.wait(0.1):
            if worker.is_cancelled:
                log.info("worker %s cancelled while a question was open; taking it as no", worker.name)
                return False
        return answer[0]

    @work(thread=True, exclusive=True, group="train-launch")
    def run_launch(self, settings, train_path, validation_path) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.launch import LaunchCancelled, LaunchError, launch
        from persona_tui.training.preflight import run_preflight
        from persona_tui.training.settings import settings_problems
        from persona_tui.training.uploads import DatasetRejectedError

        problems = settings_problems(settings, self.catalog.get(settings.model), has_validation=validation_path is not None)
        if problems:
            self.post_message(StatusText(" ".join(problems)))
            return
        client = make_client(self.workspace, max_retries=2)
        report = run_preflight(self.workspace, train_path, validation_path, settings, client)
        if not report.format_ok:
            self.post_message(StatusText("\n".join(report.summary_lines())))
            return
        if report.needs_confirmation:
            found = "\n".join(report.summary_lines())
            if not self.ask(f"{found}\n\nUpload with this personal data?"):
                self.post_message(StatusText("Not uploaded."))
                return

        label = "SIMULATED · " if is_sandbox(self.workspace) else ""
        lines: list[str] = []

        def progress(name: str, sent: int, total: int) -> None:
            percent = 100 * sent // total if total else 100
            self.post_message(StatusText("\n".join(lines + [f"uploading {name}: {percent}%"])))

        def note(text: str) -> None:
            lines.append(text)
            self.post_message(StatusText("\n".join(lines)))

        def confirm_price(price) -> bool:
            return self.ask(f"{label}{price.describe()}\n\nCreate the fine-tuning job on {settings.model}?")

        try:
            result = launch(self.workspace, client, train_path, validation_path, settings, progress=progress,
                            confirm_price=confirm_price, on_note=note)
        except (DatasetRejectedError, LaunchError, LaunchCancelled, TimeoutError) as error:
            self.post_message(StatusText(str(error)))
            return
        self.post_message(JobLaunched(result.job.job_id))

    @on(JobLaunched)
    def follow_launched(self, message: JobLaunched) -> None:
        self.refresh_jobs()
        self.show_job(message.job_id)

    # Monitor ----------------------------------------------------------------------------

    @work(thread=True, group="train-poll")
    def poll_job(self, job_id: str) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.monitor import JobMonitor

        if not self.poll_busy.acquire(blocking=False):
            return
        try:
            if not hasattr(self, "monitor") or self.monitor.job_id != job_id:
                self.monitor = JobMonitor(self.workspace, make_client(self.workspace, max_retries=0), job_id)
            try:
                result = self.monitor.poll_once()
            except Exception as error:  # noqa: BLE001 - shown in the tab; the next tick retries
                log.warning("polling job %s failed: %s", job_id, type(error).__name__)
                self.post_message(PollDone(job_id, True, False, f"Polling failed ({type(error).__name__}); retrying."))
                return
            self.post_message(PollDone(job_id, result.changed, result.terminal, result.note))
        finally:
            self.poll_busy.release()

    @on(PollDone)
    def redraw_after_poll(self, message: PollDone) -> None:
        if message.job_id != self.shown_job_id:
            return
        if message.changed or message.terminal:
            self.last_note = message.note
            self.draw_job()
        if message.terminal:
            self.refresh_jobs()

    def show_job(self, job_id: str) -> None:
        self.shown_job_id = job_id
        self.last_note = None
        self.draw_job()
        self.poll_tick()

    def draw_job(self) -> None:
        from persona_tui.training.job_view import load_job_view
        from persona_tui.training.live_view import render_job

        job = job_store.job_by_id(self.workspace, self.shown_job_id) if self.shown_job_id else None
        if job is None:
            return
        monitor = self.query_one("#train-monitor", Static)
        width = max(40, (monitor.size.width or 80) - 1)
        monitor.update(render_job(load_job_view(self.workspace, job), width=width, height=12,
                                  log_scale=self.log_scale, braille=self.braille, note=self.last_note))

    def action_toggle_log_scale(self) -> None:
        self.log_scale = not self.log_scale
        self.draw_job()

    def action_toggle_braille(self) -> None:
        self.braille = not self.braille
        self.draw_job()

    # Jobs list and cancel ---------------------------------------------------------------

    def refresh_jobs(self) -> None:
        jobs_list = self.query_one("#train-jobs", OptionList)
        jobs_list.clear_options()
        for job in job_store.list_jobs(self.workspace):
            if not job.job_id:
                continue
            simulated = " (simulated)" if job.sandbox else ""
            output = f" → {job.output_name}" if job.output_name else ""
            jobs_list.add_option(Option(f"{job.job_id}{simulated} · {job.status} · {job.model}{output}", id=job.job_id))

    @on(OptionList.OptionSelected, "#train-jobs")
    def select_job(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show_job(event.option.id)

    def action_cancel_job(self) -> None:
        from persona_tui.tui.screens.confirm import ConfirmScreen

        job = job_store.job_by_id(self.workspace, self.shown_job_id) if self.shown_job_id else None
        if job is None or job.is_terminal:
            self.set_status("No running job is shown; select one in the list to cancel it.")
            return

        def on_answer(yes: bool | None) -> None:
            if yes:
                self.cancel_in_background(job.job_id)

        self.app.push_screen(ConfirmScreen(f"Cancel {job.job_id}? Completed steps are still billed."), on_answer)

    @work(thread=True, group="train-cancel")
    def cancel_in_background(self, job_id: str) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.monitor import cancel_job

        try:
            status = cancel_job(make_client(self.workspace, max_retries=2), self.workspace, job_id)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.post_message(StatusText(f"Cancelling {job_id} failed ({type(error).__name__}); try again."))
            return
        self.post_message(StatusText(f"Cancel requested for {job_id} (status {status})."))

    def action_keys(self) -> None:
        from persona_tui.tui.screens.keys_dialog import KeysDialog

        self.app.push_screen(KeysDialog())
