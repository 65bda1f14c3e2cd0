"""Statistics of a build: what every step read, dropped, changed and produced.

They are stored as one JSON document in `build_stats`, so `persona-tui stats` and the
TUI show the latest build without rebuilding.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import orjson

from persona_tui.pipeline.sample_store import now_iso
from persona_tui.workspace import Workspace


@dataclass(slots=True)
class BuildStats:
    messages_read: int = 0
    dropped: dict[str, int] = field(default_factory=dict)        # rule name -> messages
    empty_after_cleaning: int = 0      # kept messages whose text ended up blank
    messages_kept: int = 0
    persona_messages: int = 0          # kept messages written by the persona
    normalised: dict[str, int] = field(default_factory=dict)     # rewrite kind -> occurrences
    redactions: dict[str, int] = field(default_factory=dict)     # placeholder kind -> spans
    merged_messages: int = 0           # messages joined onto the previous message's turn
    channels: int = 0
    windows: int = 0
    windows_without_assistant: int = 0
    windows_split: int = 0
    leading_assistant_turns: int = 0
    trailing_user_turns: int = 0
    over_budget_exchanges: int = 0     # user/assistant pairs dropped because alone they exceed the token budget
    samples: int = 0
    turns: int = 0
    token_estimate: int = 0            # estimated tokens of all samples, system prompts included
    train_samples: int = 0
    validation_samples: int = 0
    kept_decisions: int = 0
    lost_decisions: int = 0
    one_sided_persona_messages: int = 0    # persona messages imported from one-sided sources
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> BuildStats:
        known = {item.name for item in dataclasses.fields(cls)}
        return cls(**{key: item for key, item in value.items() if key in known})


def save_stats(workspace: Workspace, stats: BuildStats) -> None:
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO build_stats(id, built_at, stats) VALUES (1, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET built_at = excluded.built_at, stats = excluded.stats",
            (now_iso(), orjson.dumps(stats.to_json()).decode()),
        )


def load_stats(workspace: Workspace) -> tuple[BuildStats, str] | None:
    """Return the latest build's statistics and when it ran (ISO-8601 UTC), or None."""
    row = workspace.db.execute("SELECT stats, built_at FROM build_stats WHERE id = 1").fetchone()
    if row is None:
        return None
    return BuildStats.from_json(orjson.loads(row[0])), row[1]


def _section(title: str, counts: dict[str, int]) -> list[str]:
    lines = [f"{title}: {sum(counts.values()):,}"]
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if count:
            lines.append(f"  {name.replace('_', ' ')}: {count:,}")
    return lines


def render_stats(stats: BuildStats) -> str:
    """Return the statistics as plain text, headline first."""
    lines = [f"{stats.messages_read:,} messages became {stats.samples:,} samples "
             f"({stats.train_samples:,} train, {stats.validation_samples:,} validation)."]
    lines += _section("Dropped messages", stats.dropped)
    if stats.empty_after_cleaning:
        lines.append(f"  blank after cleaning: {stats.empty_after_cleaning:,}")
    lines.append(f"Kept messages: {stats.messages_kept:,} ({stats.persona_messages:,} by the persona)")
    lines += _section("Markup rewritten", stats.normalised)
    lines += _section("Redactions", stats.redactions)
    lines.append(f"Messages merged into the previous turn: {stats.merged_messages:,}")
    channels = "channel" if stats.channels == 1 else "channels"
    lines.append(f"Conversation windows: {stats.windows:,} in {stats.channels:,} {channels} "
                 f"({stats.windows_without_assistant:,} without a persona reply, "
                 f"{stats.windows_split:,} split to fit the token budget)")
    lines.append(f"Turns dropped to start on user and end on assistant: "
                 f"{stats.leading_assistant_turns:,} leading, {stats.trailing_user_turns:,} trailing")
    lines.append(f"Turns: {stats.turns:,}; estimated tokens: {stats.token_estimate:,}")
    if stats.over_budget_exchanges:
        lines.append(f"Exchanges dropped because alone they exceed the token budget: {stats.over_budget_exchanges:,}")
    lines.append(f"Review decisions kept: {stats.kept_decisions:,}; lost: {stats.lost_decisions:,}")
    lines += [f"Note: {note}" for note in stats.notes]
    return "\n".join(lines)
