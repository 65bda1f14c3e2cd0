"""The Export tab: import exports, choose the persona, set the pipeline, build, write JSONL.

Importing, building and writing the dataset run in a worker thread that posts progress and
its result as messages; Esc cancels the running work. Errors are shown with the text the
CLI prints and logged to the workspace log.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from persona_tui.display import plain_text
from persona_tui.tui.cancel_flag import CancelFlag
from persona_tui.tui.fetch_action import FetchThroughBot
from persona_tui.tui.messages import PersonaChanged, SamplesRebuilt
from persona_tui.tui.widgets.path_suggester import PathSuggester
from persona_tui.sources.catalog import list_authors, list_sources
from persona_tui.tui.workspace_overview import latest_dataset
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# Progress messages from a worker are sent at most this often, so a fast loop does not
# flood the message queue.
PROGRESS_INTERVAL_SECONDS = 0.1


def format_date(milliseconds: int | None) -> str:
    if milliseconds is None:
        return "-"
    # Workspaces imported before timestamps were range-checked can hold dates that
    # datetime cannot represent; show the raw value instead of failing.
    try:
        return datetime.fromtimestamp(milliseconds / 1000, UTC).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        return f"{milliseconds} ms"



class BuildStatistics(Static, can_focus=True):
    """The build and dataset statistics. It takes focus so Tab reaches the end of the tab
    and scrolls it into view, and PageUp/PageDown then scroll the whole tab."""


class ExportTab(FetchThroughBot, VerticalScroll, can_focus=False):
    """Import, persona, settings, build and dataset, top to bottom."""

    DEFAULT_CSS = """
    ExportTab { padding: 0 1; }
    ExportTab .section {
        height: auto; border: round $panel-lighten-2; border-title-color: $accent; padding: 0 1;
    }
    ExportTab DataTable { height: auto; max-height: 12; }
    ExportTab .hint { color: $text-muted; width: 100%; }
    ExportTab #build-stats:focus { background: $boost; }
    ExportTab #work-line { height: auto; }
    ExportTab #work-progress { display: none; }
    ExportTab.-working #work-progress { display: block; }
    """

    BINDINGS = [
        Binding("b", "build", "Build samples", id="export-build"),
        Binding("w", "write_dataset", "Write JSONL", id="export-write"),
        Binding("escape", "cancel_work", "Cancel work / leave the field", id="export-cancel"),
        Binding("ctrl+s", "save_settings", "Save settings", id="export-save-settings"),
        Binding("i", "focus_import", "Import a path", id="export-focus-import"),
        Binding("f", "fetch", "Fetch through the bot", id="export-fetch"),
    ]

    class WorkProgress(Message):
        def __init__(self, done: float, total: float | None) -> None:
            super().__init__()
            self.done = done
            self.total = total

    class WorkFinished(Message):
        def __init__(self, kind: str, summary: str, errors: list[str] | None = None) -> None:
            super().__init__()
            self.kind = kind
            self.summary = summary
            self.errors = errors or []

    class WorkFailed(Message):
        def __init__(self, kind: str, text: str) -> None:
            super().__init__()
            self.kind = kind
            self.text = text

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.cancel_flag = CancelFlag()
        self.working = False

    # Layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="section", id="import-section"):
            yield Input(placeholder="i: a DCE .json, a data package folder or .zip (→ completes)",
                        suggester=PathSuggester(), id="import-path")
            with Vertical(id="work-line"):
                yield Label("", id="work-status", classes="hint")
                yield ProgressBar(id="work-progress", show_eta=False)
        with Vertical(classes="section", id="sources-section"):
            yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
        with Vertical(classes="section", id="authors-section"):
            yield Label("Enter on an author makes them the persona.", classes="hint")
            yield DataTable(id="authors", cursor_type="row", zebra_stripes=True)
        with Vertical(classes="section", id="settings-section"):
            yield from self.compose_settings()
        with Vertical(classes="section", id="build-section"):
            yield Label("b builds the samples, w writes the train and validation JSONL, Esc cancels.",
                        classes="hint")
            yield BuildStatistics("", id="build-stats")

    def compose_settings(self) -> ComposeResult:
        from persona_tui.pipeline.settings import load_settings, setting_fields
        from persona_tui.tui.widgets.settings_form import SettingsForm

        yield Label("ctrl+s saves the settings; the next build uses them.", classes="hint")
        yield SettingsForm(setting_fields(), load_settings(self.workspace), id="settings-form")

    def on_mount(self) -> None:
        titles = {
            "import-section": "Import",
            "sources-section": "Sources",
            "authors-section": "Authors",
            "settings-section": "Pipeline settings",
            "build-section": "Build and dataset",
        }
        for section_id, title in titles.items():
            self.query_one(f"#{section_id}").border_title = title

        self.query_one("#sources", DataTable).add_columns("path", "kind", "messages", "new", "status")
        self.query_one("#authors", DataTable).add_columns("author", "messages", "first", "last")
        self.refresh_tables()
        self.refresh_statistics()

        paths = getattr(self.app, "import_paths", [])
        if paths:
            self.start_import(list(paths))

    def refresh_tables(self) -> None:
        sources = self.query_one("#sources", DataTable)
        sources.clear()
        for source in list_sources(self.workspace):
            status = source.status if source.status == "ok" else f"{source.status}: {source.error}"
            if source.one_sided:
                status += " (one-sided)"
            sources.add_row(plain_text(Path(source.path).name), source.kind, f"{source.message_count:,}",
                            f"{source.new_count:,}", Text(status))

        authors = self.query_one("#authors", DataTable)
        authors.clear()
        from persona_tui.pipeline.settings import load_settings

        persona_id = load_settings(self.workspace).persona_author_id
        for author in list_authors(self.workspace):
            name = author.display_name or author.name
            marker = "★ " if author.id == persona_id else ""
            bot = " (bot)" if author.is_bot else ""
            authors.add_row(plain_text(f"{marker}{name}{bot}"), f"{author.message_count:,}", format_date(author.first_ms),
                            format_date(author.last_ms), key=str(author.id))

    def refresh_statistics(self) -> None:
        from persona_tui.pipeline.stats import load_stats, render_stats

        lines = []
        built = load_stats(self.workspace)
        if built is None:
            lines.append("No build yet.")
        else:
            stats, built_at = built
            lines.append(f"Built {built_at}")
            lines.append(render_stats(stats))
        dataset = latest_dataset(self.workspace)
        if dataset is not None:
            lines.append(
                f"Dataset {dataset['created_at']}: {dataset['train_count']:,} train, "
                f"{dataset['validation_count']:,} validation lines, ~{dataset['token_estimate']:,} tokens"
            )
            lines.append(f"  {dataset['train_path']}")
        self.query_one("#build-stats", Static).update(Text("\n".join(lines)))

    # Long work ---------------------------------------------------------------------------

    def begin_work(self, text: str) -> bool:
        if self.working:
            self.app.notify("Other work is running; press Esc to cancel it first.", severity="warning")
            return False
        self.working = True
        self.cancel_flag.clear()
        self.add_class("-working")
        self.query_one("#work-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#work-status", Label).update(Text(f"{text} (Esc cancels)"))
        return True

    def end_work(self, text: str) -> None:
        self.working = False
        self.remove_class("-working")
        self.query_one("#work-status", Label).update(Text(text))

    def progress_callback(self):
        """Return a function the core calls with (done, total) from the worker thread."""
        last_sent = 0.0

        def report(done: float, total: float | None = None, *_details: object) -> None:
            nonlocal last_sent
            now = time.monotonic()
            if now - last_sent >= PROGRESS_INTERVAL_SECONDS:
                last_sent = now
                self.post_message(self.WorkProgress(done, total))

        return report

    @on(WorkProgress)
    def show_progress(self, event: WorkProgress) -> None:
        self.query_one("#work-progress", ProgressBar).update(total=event.total, progress=event.done)

    @on(WorkFinished)
    def work_finished(self, event: WorkFinished) -> None:
        log.info("%s finished: %s", event.kind, event.summary)
        self.end_work(event.summary)
        self.refresh_tables()
        self.refresh_statistics()
        self.app.notify(event.summary, title=event.kind.capitalize(), markup=False)
        for error in event.errors:
            self.app.report_error(f"{event.kind.capitalize()} failed", error)
        if event.kind == "build":
            self.app.post_message(SamplesRebuilt())

    @on(WorkFailed)
    def work_failed(self, event: WorkFailed) -> None:
        self.end_work(f"{event.kind.capitalize()} failed: {event.text}")
        self.refresh_tables()
        self.app.report_error(f"{event.kind.capitalize()} failed", event.text)

    def action_cancel_work(self) -> None:
        if self.working:
            self.cancel_flag.set()
            self.query_one("#work-status", Label).update("Cancelling…")
            log.info("cancel requested for the running work")
        elif isinstance(self.app.focused, Input):
            self.focus_first()

    def focus_first(self) -> None:
        """Focus the sources table, so the tab keys work; i moves to the path input."""
        self.query_one("#sources", DataTable).focus()

    # Import ------------------------------------------------------------------------------

    def action_focus_import(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def import_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            return
        if not Path(path).expanduser().exists():
            self.app.report_error("Import failed", f"{path} does not exist. Check the path and press Enter again.")
            return
        event.input.value = ""
        self.start_import([str(Path(path).expanduser())])

    def start_import(self, paths: list[str]) -> None:
        if self.begin_work(f"Importing {len(paths)} path(s)…"):
            self.run_import(paths)

    @work(thread=True, exclusive=True, group="export-work")
    def run_import(self, paths: list[str]) -> None:
        log.info("import started: %s", paths)
        try:
            from persona_tui.sources.importer import import_paths

            report = import_paths(self.workspace, [Path(path) for path in paths],
                                  progress=self.progress_callback(), cancel=self.cancel_flag)
        except Exception as error:  # noqa: BLE001 - any failure is shown, not a crash
            log.exception("import of %s failed", paths)
            self.post_message(self.WorkFailed("import", str(error)))
        else:
            # The same summary and error lines `persona-tui import` prints.
            summary = f"{report.new_messages:,} new messages from {report.messages_read:,} read."
            cancelled = sum(result.status == "cancelled" for result in report.sources)
            if cancelled:
                summary += f" Cancelled: {cancelled} source(s) not imported."
            errors = [result.error for result in report.sources if result.error]
            self.post_message(self.WorkFinished("import", summary, errors))

    # Persona -----------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#authors")
    def choose_persona(self, event: DataTable.RowSelected) -> None:
        author_id = int(event.row_key.value)
        author = next(author for author in list_authors(self.workspace) if author.id == author_id)
        name = author.display_name or author.name
        self.store_persona_in_settings(author_id)
        log.info("persona set to author %d", author_id)

        self.refresh_tables()
        self.app.post_message(PersonaChanged())
        self.app.notify(f"{name} is the persona. Press b to build the samples.", markup=False)

    def store_persona_in_settings(self, author_id: int) -> None:
        from persona_tui.pipeline.settings import load_settings, save_settings

        settings = load_settings(self.workspace)
        settings.persona_author_id = author_id
        save_settings(self.workspace, settings)

    # Settings ----------------------------------------------------------------------------

    def action_save_settings(self) -> bool:
        """Store the form's values; return False (and show why) when one is invalid."""
        from persona_tui.pipeline.settings import load_settings, save_settings
        from persona_tui.tui.widgets.settings_form import SettingsForm

        form = self.query_one(SettingsForm)
        settings = load_settings(self.workspace)
        try:
            for name, value in form.read_values().items():
                setattr(settings, name, value)
            save_settings(self.workspace, settings)
        except ValueError as error:
            self.app.report_error("Settings not saved", str(error))
            return False
        self.app.notify("Saved the pipeline settings.")
        return True

    # Build and dataset -------------------------------------------------------------------

    def action_build(self) -> None:
        from persona_tui.pipeline.settings import load_settings

        if load_settings(self.workspace).persona_author_id is None:
            self.app.report_error("Build failed", "No persona chosen. Select an author in the list and press Enter.")
            return
        if not self.action_save_settings():
            return
        if self.begin_work("Building samples…"):
            self.run_build()

    @work(thread=True, exclusive=True, group="export-work")
    def run_build(self) -> None:
        log.info("build started")
        from persona_tui.pipeline.build import BuildCancelled, BuildError, build_samples
        from persona_tui.pipeline.stats import render_stats

        try:
            result = build_samples(self.workspace, progress=self.progress_callback(), cancel=self.cancel_flag)
        except BuildCancelled as error:
            self.post_message(self.WorkFinished("build", str(error)))
        except BuildError as error:
            log.warning("build failed: %s", error)
            self.post_message(self.WorkFailed("build", str(error)))
        except Exception as error:  # noqa: BLE001 - any failure is shown, not a crash
            log.exception("build failed")
            self.post_message(self.WorkFailed("build", str(error)))
        else:
            # The headline of the statistics `persona-tui build` prints.
            self.post_message(self.WorkFinished("build", render_stats(result.stats).splitlines()[0]))

    def action_write_dataset(self) -> None:
        if self.begin_work("Writing the train and validation JSONL…"):
            self.run_write_dataset()

    @work(thread=True, exclusive=True, group="export-work")
    def run_write_dataset(self) -> None:
        log.info("dataset export started")
        from persona_tui.pipeline.dataset import DatasetError, describe_dataset, export_dataset

        try:
            result = export_dataset(self.workspace)
        except DatasetError as error:
            log.warning("dataset export failed: %s", error)
            self.post_message(self.WorkFailed("dataset", str(error)))
        except Exception as error:  # noqa: BLE001 - any failure is shown, not a crash
            log.exception("dataset export failed")
            self.post_message(self.WorkFailed("dataset", str(error)))
        else:
            self.post_message(self.WorkFinished("dataset", describe_dataset(result)))

    @on(SamplesRebuilt)
    def samples_rebuilt(self) -> None:
        self.refresh_statistics()

    @on(PersonaChanged)
    def persona_changed(self) -> None:
        self.refresh_tables()
