"""Samples from a conversation window's turns, shaped by Together's conversational rules.

A sample starts with a user turn, alternates, and ends on an assistant turn: leading
assistant turns and a trailing user turn are dropped, and a window with no assistant turn
gives no sample. A window over the token budget is cut between user/assistant pairs into
several samples, and a single pair over the budget is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from persona_tui.pipeline.merging import TimedTurn
from persona_tui.pipeline.sample import Sample, sample_key
from persona_tui.pipeline.sample_store import estimate_tokens
from persona_tui.pipeline.split import assign_split


@dataclass(slots=True)
class AssembleCounts:
    """Counts of the turns dropped and windows split while assembling, over all windows."""

    leading_assistant_turns: int = 0
    trailing_user_turns: int = 0
    windows_without_assistant: int = 0
    windows_split: int = 0
    over_budget_exchanges: int = 0   # user/assistant pairs dropped because alone they exceed the budget
    turn_tokens: int = 0             # estimated tokens of the turns of every sample


def window_samples(
    channel_id: int,
    turns: list[TimedTurn],
    *,
    budget_tokens: int,
    validation_share: float,
    counts: AssembleCounts,
) -> list[Sample]:
    """Return the samples of one window. `budget_tokens` excludes the system prompt."""
    start = 0
    while start < len(turns) and turns[start].turn.role == "assistant":
        start += 1
    counts.leading_assistant_turns += start
    end = len(turns)
    if end > start and turns[end - 1].turn.role == "user":
        end -= 1
        counts.trailing_user_turns += 1
    trimmed = turns[start:end]
    if not trimmed:
        counts.windows_without_assistant += 1
        return []

    # Merging made the roles alternate, so the trimmed turns are (user, assistant) pairs.
    groups: list[list[TimedTurn]] = []
    group: list[TimedTurn] = []
    group_tokens = 0
    for index in range(0, len(trimmed), 2):
        pair = trimmed[index:index + 2]
        pair_tokens = 0
        for timed in pair:
            pair_tokens += estimate_tokens(timed.turn.content)
        if pair_tokens > budget_tokens:
            # One exchange over the budget would make a sample over it, which Together
            # truncates or rejects, so it is dropped. The exchanges before and after it go
            # to separate samples, so no sample skips a part of the conversation.
            # Cutting the turn's text instead would need its redaction spans cut too.
            counts.over_budget_exchanges += 1
            if group:
                groups.append(group)
                group, group_tokens = [], 0
            continue

        if group and group_tokens + pair_tokens > budget_tokens:
            groups.append(group)
            group, group_tokens = [], 0
        group.extend(pair)
        group_tokens += pair_tokens
        counts.turn_tokens += pair_tokens
    if group:
        groups.append(group)
    if len(groups) > 1:
        counts.windows_split += 1

    samples = []
    for group in groups:
        group_turns = [timed.turn for timed in group]
        key = sample_key(channel_id, group_turns)
        samples.append(Sample(
            key=key,
            channel_id=channel_id,
            started_ms=group[0].started_ms,
            ended_ms=group[-1].ended_ms,
            turns=group_turns,
            split=assign_split(key, validation_share),
        ))
    return samples
