"""The sample list: one line per sample, drawn on demand with the Line API.

Rows come from the workspace in pages through a small LRU cache, so the list opens and
scrolls at the same speed with 100 or 100,000 samples and never mounts a widget per row.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from datetime import UTC, datetime

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from persona_tui.display import printable
from persona_tui.pipeline.review import rows_at_positions
from persona_tui.pipeline.sample_store import SampleRow
from persona_tui.workspace import Workspace

PAGE_SIZE = 200
CACHED_PAGES = 16

STATUS_GLYPHS = {"unreviewed": "·", "accepted": "✓", "rejected": "✗"}


def format_row(row: SampleRow) -> str:
    """Return the text of one row: status, start date (UTC), turns, redactions, first words."""
    # A workspace imported before timestamps were range-checked can hold dates that
    # datetime cannot represent; show the raw value instead of failing.
    try:
        started = datetime.fromtimestamp(row.started_ms / 1000, UTC).strftime("%y-%m-%d")
    except (ValueError, OverflowError, OSError):
        started = f"{row.started_ms}ms"
    edited = "*" if row.edited else " "
    redactions = f"R{row.redaction_count}" if row.redaction_count else "  "
    return f"{STATUS_GLYPHS[row.status]}{edited}{started} {row.turn_count:>2}t {redactions:<3}{printable(row.preview)}"


class SampleList(ScrollView, can_focus=True, inherit_bindings=False):
    """A cursor over a list of sample positions, which the inspector sets per filter."""

    COMPONENT_CLASSES = {
        "sample-list--cursor",
        "sample-list--accepted",
        "sample-list--rejected",
    }

    DEFAULT_CSS = """
    SampleList { background: $surface; overflow-x: hidden; scrollbar-size-vertical: 1; }
    SampleList > .sample-list--cursor { background: $secondary; color: $text; text-style: bold; }
    SampleList:focus > .sample-list--cursor { background: $accent; color: $text; }
    SampleList > .sample-list--accepted { color: $success; }
    SampleList > .sample-list--rejected { color: $error; }
    """

    BINDINGS = [
        Binding("down,j", "move(1)", "Next", id="sample-next"),
        Binding("up,k", "move(-1)", "Previous", id="sample-previous"),
        Binding("pagedown", "page(1)", "Page down", id="sample-page-down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="sample-page-up", show=False),
        Binding("home,g", "first", "First sample", id="sample-first", show=False),
        Binding("end,G", "last", "Last sample", id="sample-last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to the row `index` of the list, showing the sample `key`."""

        def __init__(self, sample_list: SampleList, index: int, key: str) -> None:
            super().__init__()
            self.sample_list = sample_list
            self.index = index
            self.key = key

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.positions: list[int] = []
        self.pages: OrderedDict[int, list[SampleRow]] = OrderedDict()

    # The rows ----------------------------------------------------------------------------

    def show_positions(self, positions: list[int], cursor: int = 0) -> None:
        """Show the samples at `positions` and put the cursor on row `cursor`."""
        self.positions = positions
        self.pages.clear()
        self.virtual_size = Size(self.size.width, len(positions))
        self.cursor = max(0, min(cursor, len(positions) - 1))

    def forget_rows(self) -> None:
        """Drop the cached rows, so a changed status or edit is read again."""
        self.pages.clear()
        self.refresh()

    def row_at(self, index: int) -> SampleRow | None:
        if not 0 <= index < len(self.positions):
            return None
        page_number = index // PAGE_SIZE
        page = self.pages.get(page_number)
        if page is None:
            start = page_number * PAGE_SIZE
            page = rows_at_positions(self.workspace, self.positions[start:start + PAGE_SIZE])
            self.pages[page_number] = page
            if len(self.pages) > CACHED_PAGES:
                self.pages.popitem(last=False)
        else:
            self.pages.move_to_end(page_number)
        return page[index % PAGE_SIZE]

    @property
    def current_row(self) -> SampleRow | None:
        return self.row_at(self.cursor)

    def index_of_position(self, position: int) -> int | None:
        """Return the row index that shows the sample at `position`, if the list has it."""
        index = bisect_left(self.positions, position)
        if index < len(self.positions) and self.positions[index] == position:
            return index
        return None

    # Drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, self.rich_style)

        style = self.rich_style
        if row.status != "unreviewed":
            style += self.get_component_rich_style(f"sample-list--{row.status}")
        if index == self.cursor:
            style += self.get_component_rich_style("sample-list--cursor")
        # Cut and pad by terminal cells, because emoji and CJK take two cells each. The
        # emoji variation selector goes, because terminals disagree on its width.
        text = set_cell_size(format_row(row).replace("\ufe0f", ""), width)
        return Strip([Segment(text, style)], width)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.positions))

    # The cursor --------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)
        self.refresh()
        row = self.row_at(new)
        if row is not None:
            self.post_message(self.Highlighted(self, new, row.key))

    def move_to(self, index: int) -> None:
        if self.positions:
            self.cursor = max(0, min(index, len(self.positions) - 1))

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.positions) - 1)
