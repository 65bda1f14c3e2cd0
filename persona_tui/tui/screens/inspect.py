"""The Inspect tab: walk the samples from the keyboard, decide on each, fix redactions.

Every decision and edit goes to the workspace at once through persona_tui.pipeline.review,
and the highlighted sample's key is stored in the settings, so a dropped connection loses
nothing and reopening the app returns to the same sample.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from persona_tui.pipeline import review
from persona_tui.pipeline.sample_store import load_sample, review_counts, set_status
from persona_tui.pipeline.settings import persona_name
from persona_tui.tui.messages import PersonaChanged, SamplesRebuilt
from persona_tui.tui.widgets.sample_detail import DetailState, SampleDetail
from persona_tui.tui.widgets.sample_list import SampleList
from persona_tui.workspace import Workspace

# The dialogs are imported when first opened, which keeps them out of the app's startup.

log = logging.getLogger(__name__)

CURRENT_KEY_SETTING = "inspect_current_key"

FILTER_LABELS = {
    "all": "all samples",
    "unreviewed": "unreviewed",
    "accepted": "accepted",
    "rejected": "rejected",
    "redactions": "with redactions",
    "edited": "edited",
}


@dataclass(slots=True)
class Decision:
    """A decision the reviewer can undo: the sample and the status it had before."""

    key: str
    position: int
    previous: str
    new: str


class InspectTab(Vertical):
    """The sample inspector: a progress line, the sample list and the detail pane."""

    DEFAULT_CSS = """
    InspectTab #inspect-progress { height: 1; background: $panel; color: $text; padding: 0 1; }
    InspectTab #inspect-body { height: 1fr; }
    InspectTab SampleList { width: 42%; min-width: 30; border-right: vkey $panel-lighten-2; }
    InspectTab SampleDetail { width: 1fr; }
    """

    BINDINGS = [
        Binding("a", "decide('accepted')", "Accept", id="inspect-accept"),
        Binding("r", "decide('rejected')", "Reject", id="inspect-reject"),
        Binding("z", "undo_decision", "Undo decision", id="inspect-undo-decision"),
        Binding("right_square_bracket", "jump_unreviewed(False)", "Next unreviewed",
                id="inspect-next-unreviewed", key_display="]", show=False),
        Binding("left_square_bracket", "jump_unreviewed(True)", "Previous unreviewed",
                id="inspect-previous-unreviewed", key_display="[", show=False),
        Binding("greater_than_sign", "select_redaction(1)", "Next redaction",
                id="inspect-next-redaction", key_display=">", show=False),
        Binding("less_than_sign", "select_redaction(-1)", "Previous redaction",
                id="inspect-previous-redaction", key_display="<", show=False),
        Binding("x", "undo_redaction", "Undo redaction (restore the original)",
                id="inspect-undo-redaction", show=False),
        Binding("o", "toggle_originals", "Show/hide original values", id="inspect-originals", show=False),
        Binding("t", "select_turn(1)", "Next turn", id="inspect-next-turn", show=False),
        Binding("T", "select_turn(-1)", "Previous turn", id="inspect-previous-turn", show=False),
        Binding("e", "edit_turn", "Edit turn", id="inspect-edit-turn", show=False),
        Binding("s", "redact_selection", "Redact a selection", id="inspect-redact-selection", show=False),
        Binding("slash", "search", "Search", id="inspect-search", key_display="/"),
        Binding("n", "next_match(1)", "Next match", id="inspect-next-match", show=False),
        Binding("N", "next_match(-1)", "Previous match", id="inspect-previous-match", show=False),
        Binding("f", "choose_filter", "Filter", id="inspect-filter"),
        Binding("A", "bulk_accept", "Accept all clean unreviewed", id="inspect-bulk-accept", show=False),
    ]

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.filter_name = "all"
        self.counts: dict[str, int] = {}
        self.total = 0
        self.search_text = ""
        self.search_matches: list[int] = []
        self.detail_state: DetailState | None = None
        self.show_originals = False
        self.decisions: list[Decision] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="inspect-progress")
        with Horizontal(id="inspect-body"):
            yield SampleList(self.workspace, id="sample-list")
            yield SampleDetail(id="sample-detail")

    def on_mount(self) -> None:
        self.reload_samples()

    @property
    def sample_list(self) -> SampleList:
        return self.query_one(SampleList)

    @property
    def detail(self) -> SampleDetail:
        return self.query_one(SampleDetail)

    # Loading -----------------------------------------------------------------------------

    def reload_samples(self) -> None:
        """Read the counts and the filtered list again and return to the stored sample."""
        self.counts = review_counts(self.workspace)
        self.total = sum(self.counts.values())
        positions = review.filtered_positions(self.workspace, self.filter_name)

        cursor = 0
        stored_key = self.workspace.get_setting(CURRENT_KEY_SETTING)
        stored_position = review.position_of(self.workspace, stored_key) if stored_key else None
        self.sample_list.show_positions(positions)
        if stored_position is not None:
            cursor = self.sample_list.index_of_position(stored_position) or 0
        if positions:
            self.sample_list.move_to(cursor)
        else:
            self.detail_state = None
            self.detail.show_empty(
                "No samples yet: import an export and build samples in the Export tab."
                if self.total == 0 else f"No sample matches the filter '{FILTER_LABELS[self.filter_name]}'."
            )
        self.update_progress()
        log.info("inspector loaded %d samples (filter %s, %d shown)", self.total, self.filter_name, len(positions))

    def update_progress(self) -> None:
        reviewed = self.counts.get("accepted", 0) + self.counts.get("rejected", 0)
        # Short enough for 80 columns with a search: the filter and the search follow a bar.
        text = (
            f"Reviewed {reviewed:,}/{self.total:,} · accepted {self.counts.get('accepted', 0):,} · "
            f"rejected {self.counts.get('rejected', 0):,} │ {FILTER_LABELS[self.filter_name]}: "
            f"{len(self.sample_list.positions):,}"
        )
        if self.search_text:
            text += f" │ /{self.search_text}: {len(self.search_matches):,}"
        self.query_one("#inspect-progress", Static).update(Text(text))

    @on(SampleList.Highlighted)
    def show_sample(self, event: SampleList.Highlighted) -> None:
        self.workspace.set_setting(CURRENT_KEY_SETTING, event.key)
        self.load_detail(event.key)

    def load_detail(self, key: str, *, selected_turn: int = 0, selected_redaction: int | None = None) -> None:
        sample, status, edited = load_sample(self.workspace, key)
        turns = edited if edited is not None else sample.turns
        self.detail_state = DetailState(
            sample=sample, status=status, turns=turns, edited=edited is not None,
            persona_name=persona_name(self.workspace) or "persona",
            selected_turn=min(selected_turn, max(0, len(turns) - 1)),
            selected_redaction=selected_redaction,
            show_originals=self.show_originals, search=self.search_text,
        )
        self.detail.show(self.detail_state)

    def redraw_detail(self) -> None:
        if self.detail_state is not None:
            self.detail.show(self.detail_state)
            self.detail.scroll_to_turn(self.detail_state.selected_turn)

    def current_key(self) -> str | None:
        return self.detail_state.sample.key if self.detail_state else None

    def report(self, error: Exception) -> None:
        log.warning("review operation failed: %s", error)
        self.app.notify(str(error), title="Review", severity="error", markup=False)

    # Decisions ---------------------------------------------------------------------------

    def action_decide(self, status: str) -> None:
        row = self.sample_list.current_row
        if row is None:
            return
        previous = review.decide(self.workspace, row.key, status)
        self.decisions.append(Decision(row.key, row.position, previous, status))
        self.count_change(previous, status)

        self.sample_list.forget_rows()
        if self.sample_list.cursor + 1 < len(self.sample_list.positions):
            self.sample_list.action_move(1)
        else:
            self.load_detail(row.key)

    def count_change(self, previous: str, new: str) -> None:
        self.counts[previous] = self.counts.get(previous, 0) - 1
        self.counts[new] = self.counts.get(new, 0) + 1
        self.update_progress()

    def action_undo_decision(self) -> None:
        if not self.decisions:
            self.app.notify("No decision to undo in this session.", severity="warning")
            return
        decision = self.decisions.pop()
        set_status(self.workspace, decision.key, decision.previous)
        log.info("undid decision on sample %s: %s -> %s", decision.key, decision.new, decision.previous)
        self.count_change(decision.new, decision.previous)

        self.sample_list.forget_rows()
        index = self.sample_list.index_of_position(decision.position)
        if index is not None:
            self.sample_list.move_to(index)
        self.app.notify(f"Sample is {decision.previous} again.")

    def action_jump_unreviewed(self, backwards: bool) -> None:
        row = self.sample_list.current_row
        if row is None:
            return
        position = review.find_position(
            self.workspace, row.position, status="unreviewed", filter_name=self.filter_name, backwards=backwards,
        )
        index = None if position is None else self.sample_list.index_of_position(position)
        if index is None:
            where = "before" if backwards else "after"
            self.app.notify(f"No unreviewed sample {where} this one in this list.", severity="warning")
            return
        self.sample_list.move_to(index)

    def action_bulk_accept(self) -> None:
        count = review.count_clean_unreviewed(self.workspace)
        if count == 0:
            self.app.notify("No unreviewed sample without redactions is left.", severity="warning")
            return

        def accept(confirmed: bool | None) -> None:
            if not confirmed:
                return
            accepted = review.bulk_accept_clean(self.workspace)
            self.decisions.clear()
            self.reload_samples()
            self.app.notify(f"Accepted {accepted:,} samples.")

        from persona_tui.tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(
            ConfirmDialog(f"Accept all {count:,} unreviewed samples that have no redactions and no edits?"),
            accept,
        )

    # Turns and redactions ----------------------------------------------------------------

    def action_select_turn(self, delta: int) -> None:
        state = self.detail_state
        if state is None or not state.turns:
            return
        state.selected_turn = (state.selected_turn + delta) % len(state.turns)
        state.selected_redaction = None
        self.redraw_detail()

    def action_select_redaction(self, delta: int) -> None:
        state = self.detail_state
        if state is None:
            return
        spans = [(t, r) for t, turn in enumerate(state.turns) for r in range(len(turn.redactions))]
        if not spans:
            self.app.notify("This sample has no redactions.", severity="warning")
            return

        current = (state.selected_turn, state.selected_redaction)
        if state.selected_redaction is None:
            # Start from the selected turn: the first span in it or after it going forward.
            later = [span for span in spans if span[0] >= state.selected_turn]
            earlier = [span for span in spans if span[0] <= state.selected_turn]
            target = (later or spans)[0] if delta > 0 else (earlier or spans)[-1]
        else:
            index = spans.index(current) if current in spans else -1
            target = spans[(index + delta) % len(spans)]
        state.selected_turn, state.selected_redaction = target
        self.redraw_detail()

    def action_undo_redaction(self) -> None:
        state = self.detail_state
        if state is None or state.selected_redaction is None:
            self.app.notify("Select a redaction first with > or <.", severity="warning")
            return
        try:
            review.undo_redaction(self.workspace, state.sample.key, state.selected_turn, state.selected_redaction)
        except review.ReviewError as error:
            self.report(error)
            return
        self.sample_list.forget_rows()
        self.load_detail(state.sample.key, selected_turn=state.selected_turn)
        self.redraw_detail()
        self.app.notify("Restored the original text of the span.")

    def action_toggle_originals(self) -> None:
        self.show_originals = not self.show_originals
        if self.detail_state is not None:
            self.detail_state.show_originals = self.show_originals
            self.redraw_detail()

    def action_edit_turn(self) -> None:
        state = self.detail_state
        if state is None or not state.turns:
            return
        key, index = state.sample.key, state.selected_turn

        def save(text: str | None) -> None:
            if text is None or text == state.turns[index].content:
                return
            try:
                review.edit_turn(self.workspace, key, index, text)
            except review.ReviewError as error:
                self.report(error)
                return
            self.sample_list.forget_rows()
            self.load_detail(key, selected_turn=index)
            self.redraw_detail()
            self.app.notify(f"Saved turn {index + 1}.")

        from persona_tui.tui.dialogs.turn_editor import TurnEditor

        self.app.push_screen(TurnEditor(f"Turn {index + 1} of the sample", state.turns[index].content), save)

    def action_redact_selection(self) -> None:
        state = self.detail_state
        if state is None or not state.turns:
            return
        key, index = state.sample.key, state.selected_turn

        def redact(choice: tuple[int, int, str] | None) -> None:
            if choice is None:
                return
            start, end, kind = choice
            try:
                turn = review.redact_span(self.workspace, key, index, start, end, kind)
            except review.ReviewError as error:
                self.report(error)
                return
            selected = next(i for i, span in enumerate(turn.redactions) if span.redacted_start == start)
            self.sample_list.forget_rows()
            self.load_detail(key, selected_turn=index, selected_redaction=selected)
            self.redraw_detail()
            self.app.notify(f"Redacted {end - start} characters as {kind}.")

        from persona_tui.tui.dialogs.redact_selection import RedactSelection

        self.app.push_screen(RedactSelection(state.turns[index].content), redact)

    # Search and filter -------------------------------------------------------------------

    def action_search(self) -> None:
        def search(text: str | None) -> None:
            if text is None:
                return
            self.search_text = text.strip()
            self.search_matches = review.search_positions(self.workspace, self.search_text, self.filter_name)
            self.update_progress()
            if self.search_text and not self.search_matches:
                self.app.notify(f"No sample contains '{self.search_text}'.", severity="warning", markup=False)
            if self.detail_state is not None:
                self.detail_state.search = self.search_text
                self.redraw_detail()
            if self.search_matches:
                self.action_next_match(1, include_current=True)

        from persona_tui.tui.dialogs.text_prompt import TextPrompt

        self.app.push_screen(TextPrompt("Search the turns (Enter searches, Esc cancels)", self.search_text), search)

    def action_next_match(self, direction: int, include_current: bool = False) -> None:
        row = self.sample_list.current_row
        if not self.search_matches or row is None:
            self.app.notify("No search matches: press / to search.", severity="warning")
            return
        if direction > 0:
            candidates = [p for p in self.search_matches if p > row.position or (include_current and p == row.position)]
            target = candidates[0] if candidates else self.search_matches[0]
        else:
            candidates = [p for p in self.search_matches if p < row.position]
            target = candidates[-1] if candidates else self.search_matches[-1]
        index = self.sample_list.index_of_position(target)
        if index is not None:
            self.sample_list.move_to(index)

    def action_choose_filter(self) -> None:
        def apply(name: str | None) -> None:
            if name is None:
                return
            self.filter_name = name
            self.decisions.clear()
            if self.search_text:
                self.search_matches = review.search_positions(self.workspace, self.search_text, name)
            self.reload_samples()

        from persona_tui.tui.dialogs.choice import ChoiceDialog

        choices = list(FILTER_LABELS.items())
        self.app.push_screen(ChoiceDialog("Show which samples?", choices, self.filter_name), apply)

    # Messages from other tabs ------------------------------------------------------------

    @on(SamplesRebuilt)
    def samples_rebuilt(self) -> None:
        self.decisions.clear()
        self.search_matches = []
        self.search_text = ""
        self.reload_samples()

    @on(PersonaChanged)
    def persona_changed(self) -> None:
        if self.detail_state is not None:
            self.load_detail(self.detail_state.sample.key)
