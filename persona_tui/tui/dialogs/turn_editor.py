"""Edit the text of one turn: ctrl+s saves, Esc cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class TurnEditor(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="editor-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="editor-cancel"),
    ]

    DEFAULT_CSS = """
    TurnEditor { align: center middle; }
    TurnEditor > Vertical {
        width: 90%; height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    TurnEditor TextArea { height: 1fr; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"{self.title_text}  (ctrl+s saves, Esc cancels)")
            yield TextArea(self.text, id="turn-text", soft_wrap=True)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
