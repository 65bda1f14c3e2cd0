"""The help screen: every key of the current tab, the focused pane and the app."""

from __future__ import annotations

import re
from dataclasses import replace

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from rich.table import Table

# Function keys are shown as keyboards label them: F1, not f1.
FUNCTION_KEY = re.compile(r"f\d{1,2}")


def collect_bindings(app: App) -> list[tuple[str, str, str]]:
    """Return (keys, description, pane) for every binding active on the current screen,
    hidden ones included, because the footer has no room for them all. Keys bound to the
    same action of the same pane share one row."""
    rows: dict[tuple[str, int], list] = {}
    for active in app.screen.active_bindings.values():
        if not active.binding.description:
            continue
        # A binding's key_display applies to every key it lists, so "question_mark,f1"
        # with key_display "?" would show as "? ?". Each key is shown by its own name.
        display = app.get_key_display(replace(active.binding, key_display=None))
        if FUNCTION_KEY.fullmatch(display):
            display = display.upper()
        row_id = (active.binding.action, id(active.node))
        if row_id not in rows:
            rows[row_id] = [[], active.binding.description, type(active.node).__name__]
        if display not in rows[row_id][0]:
            rows[row_id][0].append(display)
    return [(" / ".join(keys), description, pane) for keys, description, pane in rows.values()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close-help")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, source_app: App) -> None:
        super().__init__()
        # Collected now, while the tab's widget still has focus.
        self.rows = collect_bindings(source_app)

    def compose(self) -> ComposeResult:
        table = Table(title="Keys (Esc closes)", expand=True, box=None)
        table.add_column("key", style="bold")
        table.add_column("action")
        table.add_column("pane", style="dim")
        for key, description, where in self.rows:
            table.add_row(key, description, where)
        with VerticalScroll():
            yield Static(table, id="help-table")
