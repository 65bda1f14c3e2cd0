"""Reading and writing samples and their review state in the workspace."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from persona_tui.pipeline.sample import Sample, Turn, turns_from_json, turns_to_json
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

REVIEW_STATES = ("unreviewed", "accepted", "rejected")


@dataclass(slots=True)
class ReplaceResult:
    """Counts of the review decisions a rebuild kept and lost."""

    kept_decisions: int      # decided samples whose key is in the new build
    lost_decisions: int      # decided samples whose key no longer exists


@dataclass(slots=True)
class SampleRow:
    """One row of the sample list: enough to draw it without loading the turns."""

    position: int
    key: str
    started_ms: int
    turn_count: int
    redaction_count: int
    preview: str
    status: str
    edited: bool
    split: str


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def estimate_tokens(text: str) -> int:
    """Estimate tokens as one per four characters, the usual rule of thumb for English
    chat text with Llama- and Qwen-family tokenizers (an estimate, not a count)."""
    return (len(text) + 3) // 4


def replace_samples(workspace: Workspace, samples: list[Sample]) -> ReplaceResult:
    """Replace the samples of the last build with `samples`, in one transaction.

    Review rows stay: a sample whose key is rebuilt gets its decision back, and decided
    rows whose key is gone are counted as lost (and kept, in case a later build brings
    the key back).
    """
    def rows():
        # Generated while inserting, so the JSON of every sample is never in memory at once
        # (about 120 MB for a million-message history).
        for position, sample in enumerate(samples):
            text = "".join(turn.content for turn in sample.turns)
            yield (
                sample.key, position, sample.channel_id, sample.started_ms, sample.ended_ms,
                sample.split, len(sample.turns), sample.redaction_count, estimate_tokens(text),
                sample.preview(), turns_to_json(sample.turns),
            )

    with workspace.transaction() as db:
        db.execute("DELETE FROM samples")
        db.executemany("INSERT INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows())
        decided = db.execute(
            "SELECT count(*) FROM reviews WHERE status != 'unreviewed' OR edited_turns IS NOT NULL"
        ).fetchone()[0]
        kept = db.execute(
            "SELECT count(*) FROM reviews JOIN samples USING (key) "
            "WHERE reviews.status != 'unreviewed' OR reviews.edited_turns IS NOT NULL"
        ).fetchone()[0]

    log.info("stored %d samples; kept %d review decisions, lost %d", len(samples), kept, decided - kept)
    return ReplaceResult(kept_decisions=kept, lost_decisions=decided - kept)


def count_samples(workspace: Workspace) -> int:
    return workspace.db.execute("SELECT count(*) FROM samples").fetchone()[0]


def list_rows(workspace: Workspace, offset: int = 0, limit: int = 1000) -> list[SampleRow]:
    """Return the sample-list rows at positions offset .. offset+limit-1."""
    cursor = workspace.db.execute(
        "SELECT s.position, s.key, s.started_ms, s.turn_count, s.redaction_count, s.preview, "
        "coalesce(r.status, 'unreviewed'), r.edited_turns IS NOT NULL, s.split "
        "FROM samples s LEFT JOIN reviews r USING (key) "
        "WHERE s.position >= ? ORDER BY s.position LIMIT ?",
        (offset, limit),
    )
    return [SampleRow(*row[:7], bool(row[7]), row[8]) for row in cursor]


def load_sample(workspace: Workspace, key: str) -> tuple[Sample, str, list[Turn] | None]:
    """Return the sample as built, its review status and its edited turns (None if unedited)."""
    row = workspace.db.execute(
        "SELECT s.channel_id, s.started_ms, s.ended_ms, s.turns, s.split, "
        "coalesce(r.status, 'unreviewed'), r.edited_turns "
        "FROM samples s LEFT JOIN reviews r USING (key) WHERE s.key = ?",
        (key,),
    ).fetchone()
    if row is None:
        raise KeyError(f"No sample with key {key} in {workspace.root}")

    sample = Sample(key, row[0], row[1], row[2], turns_from_json(row[3]), row[4])
    edited = turns_from_json(row[6]) if row[6] is not None else None
    return sample, row[5], edited


def effective_turns(sample: Sample, edited: list[Turn] | None) -> list[Turn]:
    """Return the turns that go into the dataset: the reviewer's edit when there is one."""
    return edited if edited is not None else sample.turns


def set_status(workspace: Workspace, key: str, status: str) -> None:
    if status not in REVIEW_STATES:
        raise ValueError(f"Unknown review status {status!r}; expected one of {REVIEW_STATES}")
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO reviews(key, status, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            (key, status, now_iso()),
        )


def save_edited_turns(workspace: Workspace, key: str, turns: list[Turn] | None) -> None:
    """Store the reviewer's version of the turns (None goes back to the built version)."""
    data = turns_to_json(turns).decode() if turns is not None else None
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO reviews(key, edited_turns, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET edited_turns = excluded.edited_turns, "
            "updated_at = excluded.updated_at",
            (key, data, now_iso()),
        )


def review_counts(workspace: Workspace) -> dict[str, int]:
    """Return how many samples of the current build are in each review state."""
    counts = dict.fromkeys(REVIEW_STATES, 0)
    cursor = workspace.db.execute(
        "SELECT coalesce(r.status, 'unreviewed'), count(*) FROM samples s "
        "LEFT JOIN reviews r USING (key) GROUP BY 1"
    )
    for status, count in cursor:
        counts[status] = count
    return counts
