"""Review operations on samples: undo or add a redaction, edit a turn, bulk-accept, search
and filter.

Every operation works on the sample's effective turns (the reviewer's edit when there is
one, else the turns as built) and stores the result as the edited turns at once, so a
dropped connection loses nothing. Offsets are code points, as in `Redaction`: `start`/`end`
index the turn's `original` text and `redacted_start`/`redacted_end` its `content`.
"""

from __future__ import annotations

import copy
import difflib
import logging
from dataclasses import dataclass

from persona_tui.pipeline.sample import PLACEHOLDERS, Redaction, Turn, turns_from_json
from persona_tui.pipeline.sample_store import (
    SampleRow,
    effective_turns,
    estimate_tokens,
    load_sample,
    save_edited_turns,
    set_status,
)
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# The rule recorded for a span the reviewer redacted by hand.
MANUAL_RULE = "user:manual"

# Filters of the sample list, each an SQL condition over `samples s LEFT JOIN reviews r`.
FILTERS: dict[str, str] = {
    "all": "1",
    "unreviewed": "coalesce(r.status, 'unreviewed') = 'unreviewed'",
    "accepted": "r.status = 'accepted'",
    "rejected": "r.status = 'rejected'",
    "redactions": "s.redaction_count > 0",
    "edited": "r.edited_turns IS NOT NULL",
}


class ReviewError(ValueError):
    """A review operation that does not fit the sample. The message names the invalid value."""


@dataclass(slots=True)
class SampleStats:
    """Figures about one sample for the inspector's detail pane."""

    turn_count: int
    user_turns: int
    assistant_turns: int
    characters: int
    token_estimate: int
    redactions_by_kind: dict[str, int]


def load_turns_for_edit(workspace: Workspace, key: str) -> list[Turn]:
    """Return a copy of the sample's effective turns, safe to change."""
    sample, _status, edited = load_sample(workspace, key)
    return copy.deepcopy(effective_turns(sample, edited))


def get_turn(turns: list[Turn], key: str, turn_index: int) -> Turn:
    if not 0 <= turn_index < len(turns):
        raise ReviewError(f"Sample {key} has {len(turns)} turns; turn {turn_index} does not exist.")
    return turns[turn_index]


def shift_redactions_after(turn: Turn, position: int, delta: int) -> None:
    """Move the content offsets of every redaction that starts at or after `position`."""
    for redaction in turn.redactions:
        if redaction.redacted_start >= position:
            redaction.redacted_start += delta
            redaction.redacted_end += delta


def undo_redaction(workspace: Workspace, key: str, turn_index: int, redaction_index: int) -> Turn:
    """Put the original text of one redacted span back into the turn and store the edit.

    Returns the changed turn. The other spans of the turn keep their original offsets and
    have their content offsets moved by the length difference.
    """
    turns = load_turns_for_edit(workspace, key)
    turn = get_turn(turns, key, turn_index)
    if not 0 <= redaction_index < len(turn.redactions):
        raise ReviewError(
            f"Turn {turn_index} of sample {key} has {len(turn.redactions)} redactions; "
            f"redaction {redaction_index} does not exist."
        )

    redaction = turn.redactions.pop(redaction_index)
    value = turn.original[redaction.start:redaction.end]
    turn.content = turn.content[:redaction.redacted_start] + value + turn.content[redaction.redacted_end:]

    delta = len(value) - (redaction.redacted_end - redaction.redacted_start)
    shift_redactions_after(turn, redaction.redacted_end, delta)

    save_edited_turns(workspace, key, turns)
    log.info("undid %s redaction %d of turn %d in sample %s", redaction.kind, redaction_index, turn_index, key)
    return turn


def content_to_original(turn: Turn, position: int) -> int:
    """Map an offset of the turn's content that lies outside every span to its original offset."""
    shift = 0
    for redaction in turn.redactions:
        if redaction.redacted_end <= position:
            shift += (redaction.end - redaction.start) - (redaction.redacted_end - redaction.redacted_start)
    return position + shift


def redact_span(workspace: Workspace, key: str, turn_index: int, start: int, end: int, kind: str) -> Turn:
    """Replace content[start:end] of a turn with the placeholder of `kind` and store the edit.

    `start` and `end` are content offsets. The span must not overlap an existing redaction.
    Returns the changed turn.
    """
    if kind not in PLACEHOLDERS:
        raise ReviewError(f"Unknown redaction kind {kind!r}; expected one of {', '.join(PLACEHOLDERS)}.")

    turns = load_turns_for_edit(workspace, key)
    turn = get_turn(turns, key, turn_index)
    if not 0 <= start < end <= len(turn.content):
        raise ReviewError(
            f"The span {start}..{end} is empty or outside turn {turn_index} of sample {key} "
            f"({len(turn.content)} characters)."
        )
    for redaction in turn.redactions:
        if start < redaction.redacted_end and redaction.redacted_start < end:
            raise ReviewError(
                f"The span {start}..{end} overlaps the {redaction.kind} redaction at "
                f"{redaction.redacted_start}..{redaction.redacted_end}; undo that one first."
            )

    placeholder = PLACEHOLDERS[kind]
    new_redaction = Redaction(
        start=content_to_original(turn, start),
        end=content_to_original(turn, start) + (end - start),
        redacted_start=start,
        redacted_end=start + len(placeholder),
        kind=kind,
        rule=MANUAL_RULE,
    )
    shift_redactions_after(turn, end, len(placeholder) - (end - start))
    turn.content = turn.content[:start] + placeholder + turn.content[end:]
    turn.redactions.append(new_redaction)
    turn.redactions.sort(key=lambda redaction: redaction.redacted_start)

    save_edited_turns(workspace, key, turns)
    log.info("redacted a %s span in turn %d of sample %s", kind, turn_index, key)
    return turn


def edit_turn(workspace: Workspace, key: str, turn_index: int, text: str) -> Turn:
    """Replace the content of a turn with `text` and store the edit.

    A redaction survives when its placeholder is left untouched by the edit. The turn's
    original text is rebuilt from `text` with each surviving placeholder replaced by the
    value it hides, so undoing a redaction later still restores the right value.
    """
    turns = load_turns_for_edit(workspace, key)
    turn = get_turn(turns, key, turn_index)

    # Map old content offsets to new ones through the unchanged blocks of a diff.
    matcher = difflib.SequenceMatcher(None, turn.content, text, autojunk=False)
    kept: list[tuple[int, Redaction]] = []
    for redaction in turn.redactions:
        for tag, old_start, old_end, new_start, _new_end in matcher.get_opcodes():
            if tag == "equal" and old_start <= redaction.redacted_start and redaction.redacted_end <= old_end:
                kept.append((new_start + redaction.redacted_start - old_start, redaction))
                break

    original_parts: list[str] = []
    new_redactions: list[Redaction] = []
    cursor = 0
    original_length = 0
    for new_position, redaction in sorted(kept, key=lambda item: item[0]):
        plain = text[cursor:new_position]
        value = turn.original[redaction.start:redaction.end]
        original_parts += [plain, value]
        original_length += len(plain)
        length = redaction.redacted_end - redaction.redacted_start
        new_redactions.append(Redaction(
            start=original_length,
            end=original_length + len(value),
            redacted_start=new_position,
            redacted_end=new_position + length,
            kind=redaction.kind,
            rule=redaction.rule,
        ))
        original_length += len(value)
        cursor = new_position + length
    original_parts.append(text[cursor:])

    dropped = len(turn.redactions) - len(new_redactions)
    turn.content = text
    turn.original = "".join(original_parts)
    turn.redactions = new_redactions

    save_edited_turns(workspace, key, turns)
    log.info("edited turn %d of sample %s (%d redactions dropped by the edit)", turn_index, key, dropped)
    return turn


def revert_edits(workspace: Workspace, key: str) -> None:
    """Drop the reviewer's edits of a sample so it goes back to the turns as built."""
    save_edited_turns(workspace, key, None)
    log.info("reverted the edits of sample %s", key)


def decide(workspace: Workspace, key: str, status: str) -> str:
    """Set the review status of a sample and return the status it had before."""
    _sample, previous, _edited = load_sample(workspace, key)
    set_status(workspace, key, status)
    log.info("sample %s: %s -> %s", key, previous, status)
    return previous


CLEAN_UNREVIEWED = (
    "FROM samples s LEFT JOIN reviews r USING (key) "
    "WHERE coalesce(r.status, 'unreviewed') = 'unreviewed' "
    "AND r.edited_turns IS NULL AND s.redaction_count = 0"
)


def count_clean_unreviewed(workspace: Workspace) -> int:
    """Return how many samples `bulk_accept_clean` would accept now."""
    return workspace.db.execute(f"SELECT count(*) {CLEAN_UNREVIEWED}").fetchone()[0]


def bulk_accept_clean(workspace: Workspace) -> int:
    """Accept every unreviewed, unedited sample without redactions and return how many.

    Edited samples are left out because the reviewer already looked at them and should
    decide on them explicitly.
    """
    with workspace.transaction() as db:
        cursor = db.execute(
            "INSERT INTO reviews(key, status, updated_at) "
            f"SELECT s.key, 'accepted', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') {CLEAN_UNREVIEWED} "
            "ON CONFLICT(key) DO UPDATE SET status = 'accepted', updated_at = excluded.updated_at"
        )
        accepted = cursor.rowcount
    log.info("bulk-accepted %d unreviewed samples without redactions", accepted)
    return accepted


def check_filter(name: str) -> str:
    if name not in FILTERS:
        raise ReviewError(f"Unknown sample filter {name!r}; expected one of {', '.join(FILTERS)}.")
    return FILTERS[name]


def filtered_positions(workspace: Workspace, name: str = "all") -> list[int]:
    """Return the positions of the samples that pass the filter `name`, in order."""
    condition = check_filter(name)
    cursor = workspace.db.execute(
        f"SELECT s.position FROM samples s LEFT JOIN reviews r USING (key) WHERE {condition} "
        "ORDER BY s.position"
    )
    return [row[0] for row in cursor]


def position_of(workspace: Workspace, key: str) -> int | None:
    """Return the list position of the sample `key`, or None when the build has no such key."""
    row = workspace.db.execute("SELECT position FROM samples WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def rows_at_positions(workspace: Workspace, positions: list[int]) -> list[SampleRow]:
    """Return the sample-list rows at `positions` (a page of a filtered list), in order."""
    if not positions:
        return []
    placeholders = ",".join("?" * len(positions))
    cursor = workspace.db.execute(
        "SELECT s.position, s.key, s.started_ms, s.turn_count, s.redaction_count, s.preview, "
        "coalesce(r.status, 'unreviewed'), r.edited_turns IS NOT NULL, s.split "
        f"FROM samples s LEFT JOIN reviews r USING (key) WHERE s.position IN ({placeholders}) "
        "ORDER BY s.position",
        positions,
    )
    return [SampleRow(*row) for row in cursor]


def find_position(
    workspace: Workspace, after: int, *, status: str, filter_name: str = "all", backwards: bool = False,
) -> int | None:
    """Return the next position after `after` (or before it, backwards) whose sample has
    the review `status` and passes the filter, or None when there is none."""
    condition = check_filter(filter_name)
    comparison, order = ("<", "DESC") if backwards else (">", "ASC")
    row = workspace.db.execute(
        f"SELECT s.position FROM samples s LEFT JOIN reviews r USING (key) "
        f"WHERE s.position {comparison} ? AND coalesce(r.status, 'unreviewed') = ? AND {condition} "
        f"ORDER BY s.position {order} LIMIT 1",
        (after, status),
    ).fetchone()
    return None if row is None else row[0]


def search_positions(workspace: Workspace, text: str, filter_name: str = "all") -> list[int]:
    """Return the positions of samples whose effective turns contain `text`, ignoring case.

    SQLite narrows the candidates on the stored JSON; each candidate is then checked on its
    decoded turns, so JSON escapes and field names never count as matches.
    """
    condition = check_filter(filter_name)
    needle = text.casefold()
    if not needle:
        return []

    # JSON escapes quotes, backslashes and control characters, so a needle with any of
    # them cannot be narrowed on the stored text.
    # NOTE: SQLite's lower() folds only ASCII, so non-ASCII letters of the needle match
    # only in the case they were typed.
    narrow = not any(character in text for character in '"\\') and text.isprintable()
    narrowing = "AND instr(lower(coalesce(r.edited_turns, s.turns)), lower(?)) > 0" if narrow else ""
    cursor = workspace.db.execute(
        f"SELECT s.position, coalesce(r.edited_turns, s.turns) FROM samples s "
        f"LEFT JOIN reviews r USING (key) WHERE {condition} {narrowing} ORDER BY s.position",
        (text,) if narrow else (),
    )
    positions = []
    for position, data in cursor:
        if any(needle in turn.content.casefold() for turn in turns_from_json(data)):
            positions.append(position)
    return positions


def sample_stats(turns: list[Turn]) -> SampleStats:
    """Count turns, characters and redactions of a sample's turns."""
    redactions_by_kind: dict[str, int] = {}
    for turn in turns:
        for redaction in turn.redactions:
            redactions_by_kind[redaction.kind] = redactions_by_kind.get(redaction.kind, 0) + 1
    text = "".join(turn.content for turn in turns)
    return SampleStats(
        turn_count=len(turns),
        user_turns=sum(turn.role == "user" for turn in turns),
        assistant_turns=sum(turn.role == "assistant" for turn in turns),
        characters=len(text),
        token_estimate=estimate_tokens(text),
        redactions_by_kind=redactions_by_kind,
    )
