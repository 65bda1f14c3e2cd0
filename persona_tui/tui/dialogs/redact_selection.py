"""Select a piece of a turn with the keyboard and choose the kind of redaction for it.

The turn is shown read-only, and shift+arrows (or shift+home/end) select the text. Tab
moves to the list of kinds. Enter on a kind returns (start, end, kind) in code points of
the turn's content.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, TextArea
from textual.widgets.option_list import Option

from persona_tui.pipeline.sample import PLACEHOLDERS


class RedactSelection(ModalScreen[tuple[int, int, str] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="redact-cancel")]

    DEFAULT_CSS = """
    RedactSelection { align: center middle; }
    RedactSelection > Vertical {
        width: 90%; height: 90%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    RedactSelection TextArea { height: 1fr; }
    RedactSelection OptionList { height: 6; }
    RedactSelection #redact-status { color: $text-muted; }
    RedactSelection Label { width: 100%; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Select the text (shift+arrows), Tab to the kinds, Enter to redact, Esc to cancel",
                        id="redact-hint")
            yield TextArea(self.text, id="redact-text", read_only=True, soft_wrap=True)
            yield Label("nothing selected", id="redact-status")
            yield OptionList(
                *(Option(Text(f"{placeholder}  {kind}"), id=kind) for kind, placeholder in PLACEHOLDERS.items()),
                id="redact-kinds",
            )

    def selected_span(self) -> tuple[int, int]:
        """Return the selection as (start, end) code-point offsets, start <= end."""
        area = self.query_one(TextArea)
        start, end = sorted((
            area.document.get_index_from_location(area.selection.start),
            area.document.get_index_from_location(area.selection.end),
        ))
        return start, end

    @on(TextArea.SelectionChanged)
    def show_selection(self) -> None:
        start, end = self.selected_span()
        status = f"selected {start}..{end}: {self.text[start:end]!r}" if end > start else "nothing selected"
        self.query_one("#redact-status", Label).update(Text(status))

    @on(OptionList.OptionSelected)
    def choose_kind(self, event: OptionList.OptionSelected) -> None:
        start, end = self.selected_span()
        if end <= start:
            self.notify("Select some text first (shift+arrows in the turn).", severity="warning")
            return
        self.dismiss((start, end, event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
