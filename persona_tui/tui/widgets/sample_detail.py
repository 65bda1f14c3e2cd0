"""The detail pane of the inspector: the sample's figures, then its turns.

It draws whatever the inspector hands it and keeps a pool of turn views that it updates in
place, because mounting widgets on every key press would be slower than the list itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from persona_tui.pipeline.review import sample_stats
from persona_tui.pipeline.sample import Sample, Turn
from persona_tui.tui.widgets.turn_view import TurnStyles, TurnView, render_turn


@dataclass(slots=True)
class DetailState:
    """The detail pane's content: a sample, its review state and the reviewer's cursor."""

    sample: Sample
    status: str
    turns: list[Turn]
    edited: bool
    persona_name: str
    selected_turn: int = 0
    selected_redaction: int | None = None   # index within the selected turn
    show_originals: bool = False
    search: str = ""


def format_time(milliseconds: int) -> str:
    # A workspace imported before timestamps were range-checked can hold dates that
    # datetime cannot represent; show the raw value instead of failing.
    try:
        return datetime.fromtimestamp(milliseconds / 1000, UTC).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return f"{milliseconds} ms"


def describe_sample(state: DetailState) -> str:
    """Return the header lines: status, split, time span, and the sample's figures."""
    stats = sample_stats(state.turns)
    flags = [state.status, state.sample.split]
    if state.edited:
        flags.append("edited")
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(stats.redactions_by_kind.items()))
    return (
        f"{' · '.join(flags)} · {format_time(state.sample.started_ms)}"
        f"–{format_time(state.sample.ended_ms)[11:]} UTC\n"
        f"{stats.turn_count} turns ({stats.assistant_turns} persona) · {stats.characters} chars · "
        f"~{stats.token_estimate} tokens · redactions: {kinds or 'none'}"
    )


class SampleDetail(VerticalScroll):
    """The conversation of the highlighted sample, turn by turn."""

    COMPONENT_CLASSES = {
        "sample-detail--label",
        "sample-detail--persona-label",
        "sample-detail--redaction",
        "sample-detail--selected-redaction",
        "sample-detail--original",
        "sample-detail--match",
    }

    DEFAULT_CSS = """
    SampleDetail { padding: 0 1; }
    SampleDetail > #detail-header { color: $text-muted; margin-bottom: 1; }
    SampleDetail > .sample-detail--label { color: $text-muted; text-style: bold; }
    SampleDetail > .sample-detail--persona-label { color: $accent; text-style: bold; }
    SampleDetail > .sample-detail--redaction { background: $warning 40%; text-style: bold; }
    SampleDetail > .sample-detail--selected-redaction { background: $warning; color: $background; text-style: bold; }
    SampleDetail > .sample-detail--original { color: $error; text-style: italic; }
    SampleDetail > .sample-detail--match { text-style: reverse underline; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self.turn_views: list[TurnView] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-header")

    def show_empty(self, text: str) -> None:
        self.query_one("#detail-header", Static).update(Text(text))
        for view in self.turn_views:
            view.display = False

    def styles_for(self, role: str) -> TurnStyles:
        label = "sample-detail--persona-label" if role == "assistant" else "sample-detail--label"
        return TurnStyles(
            label=self.get_component_rich_style(label, partial=True),
            redaction=self.get_component_rich_style("sample-detail--redaction", partial=True),
            selected_redaction=self.get_component_rich_style("sample-detail--selected-redaction", partial=True),
            original=self.get_component_rich_style("sample-detail--original", partial=True),
            match=self.get_component_rich_style("sample-detail--match", partial=True),
        )

    def show(self, state: DetailState) -> None:
        """Draw `state`, reusing the turn views and mounting more only when needed."""
        self.query_one("#detail-header", Static).update(Text(describe_sample(state)))

        missing = len(state.turns) - len(self.turn_views)
        if missing > 0:
            new_views = [TurnView() for _ in range(missing)]
            self.turn_views.extend(new_views)
            self.mount_all(new_views)

        for index, view in enumerate(self.turn_views):
            if index >= len(state.turns):
                view.display = False
                continue
            turn = state.turns[index]
            selected = index == state.selected_turn
            speaker = f"{state.persona_name} (persona)" if turn.role == "assistant" else "user"
            marker = "▶ " if selected else ""
            view.update(render_turn(
                turn, f"{marker}{index + 1}. {speaker}", self.styles_for(turn.role),
                selected_redaction=state.selected_redaction if selected else None,
                show_originals=state.show_originals, search=state.search,
            ))
            view.set_class(turn.role == "assistant", "-persona")
            view.set_class(selected, "-selected")
            view.display = True

    def scroll_to_turn(self, index: int) -> None:
        if 0 <= index < len(self.turn_views):
            self.scroll_to_widget(self.turn_views[index], animate=False)
