"""The persona-tui app: a header, one tab per step of the work, and a footer of keys."""

from __future__ import annotations

import importlib
import logging

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, TabbedContent, TabPane

from persona_tui.tui.tabs import TABS, TabSpec
from persona_tui.tui.widgets.endpoint_warning import EndpointWarningBar
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)


def load_tab_class(spec: TabSpec) -> type:
    module_name, class_name = spec.widget.split(":")
    return getattr(importlib.import_module(module_name), class_name)


class PersonaApp(App):
    """The terminal app over one workspace."""

    CSS_PATH = "app.tcss"
    TITLE = "persona-tui"

    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, workspace: Workspace, *, import_paths: list[str] | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.import_paths = import_paths or []
        self.sub_title = self.describe_workspace()

    def describe_workspace(self) -> str:
        persona = self.workspace.get_setting("persona_name")
        persona_text = f"persona: {persona}" if persona else "no persona chosen"
        return f"{self.workspace.root} · {persona_text}"

    def refresh_subtitle(self) -> None:
        self.sub_title = self.describe_workspace()

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs"):
            for spec in TABS:
                with TabPane(f"{spec.title} [{spec.key}]", id=f"tab-{spec.id}"):
                    yield load_tab_class(spec)(self.workspace, id=f"{spec.id}-tab")
        yield EndpointWarningBar(self.workspace, id="endpoint-warning")
        yield Footer()

    def on_mount(self) -> None:
        for spec in TABS:
            self.bind(spec.key, f"show_tab('{spec.id}')", description=spec.title, show=False)

    def action_show_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab_id}"
        # Move focus into the tab so its keys work without a Tab press.
        pane = self.query_one(f"#tab-{tab_id}", TabPane)
        focusable = [widget for widget in pane.query("*") if widget.focusable]
        if focusable:
            focusable[0].focus()

    def action_help(self) -> None:
        from persona_tui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self))
