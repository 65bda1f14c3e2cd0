"""The persona-tui app: a header, one tab per step of the work, and a footer of keys."""

from __future__ import annotations

import importlib
import logging

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer, Header, TabbedContent, TabPane

from persona_tui.tui.commands import ActionsProvider
from persona_tui.tui.messages import PersonaChanged, SamplesRebuilt
from persona_tui.tui.tabs import TABS, TabSpec
from persona_tui.tui.widgets.endpoint_warning import EndpointWarningBar
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

ACTIVE_TAB_SETTING = "tui_active_tab"


def load_tab_class(spec: TabSpec) -> type:
    """Import the tab's module and return its widget class."""
    module_name, class_name = spec.widget.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def find_tab_spec(tab_id: str) -> TabSpec | None:
    return next((spec for spec in TABS if spec.id == tab_id), None)


class PersonaApp(App):
    """The terminal app over one workspace."""

    CSS_PATH = "app.tcss"
    TITLE = "persona-tui"
    COMMANDS = App.COMMANDS | {ActionsProvider}

    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        *(
            Binding(spec.key, f"show_tab('{spec.id}')", f"Show the {spec.title} tab",
                    id=f"show-tab-{spec.id}", show=False)
            for spec in TABS
        ),
    ]

    def __init__(
        self, workspace: Workspace, *, import_paths: list[str] | None = None,
        workspace_label: str | None = None,
    ) -> None:
        """`workspace_label` replaces the workspace path in the header (snapshots and
        screenshots use it so a temporary path does not change the picture)."""
        super().__init__()
        self.workspace = workspace
        self.import_paths = import_paths or []
        self.workspace_label = workspace_label
        self.sub_title = self.describe_workspace()
        # The tab widgets built so far, by tab id. A tab is built the first time it is
        # shown, so a hidden tab costs no import, query, timer or request at startup.
        self.mounted_tabs: dict[str, Widget] = {}

    def describe_workspace(self) -> str:
        from persona_tui.pipeline.settings import persona_name

        persona = persona_name(self.workspace)
        persona_text = f"persona: {persona}" if persona else "no persona chosen"
        return f"{self.workspace_label or self.workspace.root} · {persona_text}"

    def refresh_subtitle(self) -> None:
        self.sub_title = self.describe_workspace()

    def initial_tab_id(self) -> str | None:
        """Return the tab to open on: Export when paths to import were given, so their
        progress shows, else the tab that was active when the app last closed."""
        if self.import_paths and find_tab_spec("export") is not None:
            return "export"
        stored = self.workspace.get_setting(ACTIVE_TAB_SETTING)
        if find_tab_spec(stored or "") is not None:
            return stored
        return TABS[0].id if TABS else None

    def build_tab(self, spec: TabSpec) -> Widget:
        widget = load_tab_class(spec)(self.workspace, id=f"{spec.id}-tab")
        self.mounted_tabs[spec.id] = widget
        return widget

    def compose(self) -> ComposeResult:
        yield Header()
        initial = self.initial_tab_id()
        with TabbedContent(id="tabs", initial=f"tab-{initial}" if initial else ""):
            for spec in TABS:
                with TabPane(f"{spec.title} [{spec.key}]", id=f"tab-{spec.id}"):
                    if spec.id == initial:
                        yield self.build_tab(spec)
        yield EndpointWarningBar(self.workspace, id="endpoint-warning")
        yield Footer()

    async def ensure_tab_mounted(self, tab_id: str) -> Widget | None:
        """Build and mount the tab's widget unless it already is; return it."""
        if tab_id in self.mounted_tabs:
            return self.mounted_tabs[tab_id]
        spec = find_tab_spec(tab_id)
        if spec is None:
            return None
        widget = self.build_tab(spec)
        await self.query_one(f"#tab-{tab_id}", TabPane).mount(widget)
        log.info("mounted the %s tab on first show", tab_id)
        return widget

    def on_mount(self) -> None:
        log.info("app started on workspace %s", self.workspace.root)
        active = self.query_one(TabbedContent).active
        if active:
            self.call_after_refresh(self.focus_tab, active.removeprefix("tab-"))

    def focus_tab(self, tab_id: str) -> None:
        """Move focus into the tab so its keys work without a Tab press, unless a widget
        of the tab already has it or another tab became active meanwhile."""
        if self.query_one(TabbedContent).active != f"tab-{tab_id}":
            return
        tab = self.mounted_tabs.get(tab_id)
        if tab is None:
            return
        pane = self.query_one(f"#tab-{tab_id}", TabPane)
        if self.focused is not None and pane in self.focused.ancestors:
            return
        # A tab may name its first widget, because a text input first would take the
        # digit keys that switch tabs.
        if hasattr(tab, "focus_first"):
            tab.focus_first()
            return
        focusable = [widget for widget in pane.query("*") if widget.focusable]
        if focusable:
            focusable[0].focus()

    def action_show_tab(self, tab_id: str) -> None:
        # Drop the focus before the switch: when a focused widget's pane is hidden, Textual
        # moves the focus to a focusable sibling in that pane, and TabbedContent then
        # activates the pane again, so the switch would undo itself.
        tabs = self.query_one(TabbedContent)
        if tabs.active != f"tab-{tab_id}":
            self.screen.set_focus(None)
        tabs.active = f"tab-{tab_id}"

    @on(TabbedContent.TabActivated)
    async def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab_id = (event.pane.id or "").removeprefix("tab-")
        self.workspace.set_setting(ACTIVE_TAB_SETTING, tab_id)
        await self.ensure_tab_mounted(tab_id)
        self.call_after_refresh(self.focus_tab, tab_id)

    def action_help(self) -> None:
        from persona_tui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self))

    # Messages between tabs ---------------------------------------------------------------

    # Only tabs already built get these: a tab built later reads the workspace as it is then.

    @on(SamplesRebuilt)
    def forward_samples_rebuilt(self) -> None:
        for tab in self.mounted_tabs.values():
            tab.post_message(SamplesRebuilt())

    @on(PersonaChanged)
    def forward_persona_changed(self) -> None:
        self.refresh_subtitle()
        for tab in self.mounted_tabs.values():
            tab.post_message(PersonaChanged())

    def report_error(self, title: str, text: str) -> None:
        """Show an error with the same text the CLI prints, and log it."""
        log.error("%s: %s", title, text)
        self.notify(text, title=title, severity="error", timeout=10, markup=False)
