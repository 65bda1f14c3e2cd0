"""One turn of a sample in the inspector: who speaks, and the text with its redactions."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from persona_tui.display import printable
from persona_tui.pipeline.sample import Turn


@dataclass(frozen=True, slots=True)
class TurnStyles:
    """The Rich styles a turn is drawn with, taken from the theme by the detail pane."""

    label: Style
    redaction: Style
    selected_redaction: Style
    original: Style
    match: Style


def highlight_matches(text: Text, needle: str, style: Style) -> None:
    if not needle:
        return
    haystack = text.plain.casefold()
    needle = needle.casefold()
    start = haystack.find(needle)
    while start != -1:
        text.stylize(style, start, start + len(needle))
        start = haystack.find(needle, start + len(needle))


def render_turn(
    turn: Turn, label: str, styles: TurnStyles, *,
    selected_redaction: int | None, show_originals: bool, search: str,
) -> Text:
    """Return the turn as text: a label line, then the content with each redaction
    highlighted in place (followed by its original value when `show_originals`)."""
    text = Text()
    text.append(label + "\n", styles.label)

    body = Text()
    cursor = 0
    for index, redaction in enumerate(turn.redactions):
        body.append(printable(turn.content[cursor:redaction.redacted_start]))
        style = styles.selected_redaction if index == selected_redaction else styles.redaction
        body.append(printable(turn.content[redaction.redacted_start:redaction.redacted_end]), style)
        if show_originals:
            body.append(f"={printable(turn.original[redaction.start:redaction.end])}", styles.original)
        cursor = redaction.redacted_end
    body.append(printable(turn.content[cursor:]))
    highlight_matches(body, search, styles.match)

    text.append_text(body)
    return text


class TurnView(Static):
    """A turn in the detail pane; the classes -persona and -selected set its look."""

    DEFAULT_CSS = """
    TurnView {
        padding: 0 1;
        margin-bottom: 1;
        border-left: outer $primary;
    }
    TurnView.-persona {
        border-left: outer $accent;
        background: $boost;
    }
    TurnView.-selected {
        border-left: thick $warning;
    }
    """
