"""A dialog that adds a model target: a Together model, a Together endpoint, or any
OpenAI-compatible server (a local vLLM, llama.cpp or Ollama serving a downloaded adapter)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from persona_tui.chat.targets import ModelTarget, TargetError, list_targets, save_target
from persona_tui.workspace import Workspace

KIND_CHOICES = [
    ("Together serverless model", "together"),
    ("Together dedicated endpoint", "together_endpoint"),
    ("OpenAI-compatible server", "openai"),
]


class AddTargetScreen(ModalScreen[int | None]):
    """Ask for a target's fields and save it; dismiss with the new target's id, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save target", id="add-target-save"),
        Binding("escape", "cancel", "Cancel", id="add-target-cancel"),
    ]

    DEFAULT_CSS = """
    AddTargetScreen { align: center middle; }
    AddTargetScreen > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AddTargetScreen #add-target-error { color: $error; height: auto; }
    AddTargetScreen Label { width: 100%; }
    """

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        # A scroll container, because at 80x24 the fields are taller than the screen and
        # Tab must scroll the endpoint id field into view.
        with VerticalScroll():
            yield Static("[b]Add a model target[/b] (Enter or ctrl+s saves, Esc cancels)")
            yield Label("Name (what the Chat tab and the bot list)")
            yield Input(id="add-target-name")
            yield Label("Kind")
            yield Select(KIND_CHOICES, value="openai", allow_blank=False, id="add-target-kind")
            yield Label("Model name sent in chat requests")
            yield Input(placeholder="e.g. persona or meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
                        id="add-target-model")
            yield Label("Base URL (OpenAI-compatible: required; Together: blank for the default)")
            yield Input(placeholder="http://127.0.0.1:8000/v1", id="add-target-base-url")
            yield Label("Endpoint id (Together dedicated endpoint only)")
            yield Input(placeholder="endpoint-...", id="add-target-endpoint-id")
            yield Static("", id="add-target-error", markup=False)

    def field(self, name: str) -> str:
        return self.query_one(f"#add-target-{name}", Input).value.strip()

    @on(Input.Submitted)
    def action_save(self) -> None:
        target = ModelTarget(
            name=self.field("name"),
            kind=str(self.query_one("#add-target-kind", Select).value),
            model=self.field("model"),
            base_url=self.field("base-url") or None,
            endpoint_id=self.field("endpoint-id") or None,
        )
        # save_target updates a target of the same name; adding must not replace one.
        if any(existing.name == target.name for existing in list_targets(self.workspace)):
            self.query_one("#add-target-error", Static).update(
                f"A target called {target.name!r} exists already; choose another name."
            )
            return
        try:
            saved = save_target(self.workspace, target)
        except TargetError as error:
            self.query_one("#add-target-error", Static).update(str(error))
            return
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
