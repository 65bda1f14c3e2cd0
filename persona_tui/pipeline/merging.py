"""Turns: consecutive messages of one role merged into one text joined by newlines.

The model learns to reply with several short lines, and the bot splits a reply back
into messages at the newlines. In a group chat every other speaker is the `user` role, so
their consecutive messages share a turn and each speaker's block starts with "Name: ".
"""

from __future__ import annotations

from dataclasses import dataclass

from persona_tui.pipeline.sample import Redaction, Turn
from persona_tui.pipeline.windows import CleanMessage


@dataclass(slots=True)
class TimedTurn:
    """A turn with the times of its first and last message."""

    turn: Turn
    started_ms: int
    ended_ms: int


def merge_turns(
    window: list[CleanMessage],
    persona_id: int,
    speaker_names: dict[int, str] | None = None,
) -> list[TimedTurn]:
    """Merge a window's messages into turns. With `speaker_names` (group chats), each user
    speaker's block starts with their name and ": "; unknown ids get "Someone"."""
    # Runs of consecutive messages with the same role.
    runs: list[list[CleanMessage]] = []
    run: list[CleanMessage] = []
    previous_is_persona = None
    for message in window:
        is_persona = message.author_id == persona_id
        if is_persona != previous_is_persona:
            run = []
            runs.append(run)
            previous_is_persona = is_persona
        run.append(message)

    return [_merge_run(run, persona_id, speaker_names) for run in runs]


def _merge_run(run: list[CleanMessage], persona_id: int, speaker_names: dict[int, str] | None) -> TimedTurn:
    first = run[0]
    role = "assistant" if first.author_id == persona_id else "user"
    named = speaker_names is not None and role == "user"

    if len(run) == 1 and not named and not first.redactions:
        # The most common turn: one message with no name lead and nothing redacted.
        content = first.content
        turn = Turn(role, content, content, first.author_id, [first.id], [])
        return TimedTurn(turn, first.timestamp_ms, first.timestamp_ms)

    if not named and not any(message.redactions for message in run):
        # Plain joins, no spans to shift, and nothing redacted, so the original and the
        # content are one string object (a million-message build keeps every turn in
        # memory until it stores them).
        content = "\n".join([message.content for message in run])
        original = content
        redactions = []
    else:
        leads = ["" for _ in run]
        if named:
            previous_author = None
            for index, message in enumerate(run):
                if message.author_id != previous_author:
                    leads[index] = f"{speaker_names.get(message.author_id, 'Someone')}: "
                previous_author = message.author_id
        original, content, redactions = _join_with_spans(run, leads)
        if not redactions:
            original = content

    turn = Turn(role, content, original, first.author_id, [message.id for message in run], redactions)
    return TimedTurn(turn, first.timestamp_ms, run[-1].timestamp_ms)


def _join_with_spans(run: list[CleanMessage], leads: list[str]) -> tuple[str, str, list[Redaction]]:
    """Join the run's texts after their leads, shifting each message's redaction spans to
    the turn's offsets in both the original and the redacted text."""
    originals = []
    contents = []
    redactions = []
    original_length = content_length = 0
    for index, message in enumerate(run):
        lead = ("\n" if index else "") + leads[index]
        original_base = original_length + len(lead)
        content_base = content_length + len(lead)
        for redaction in message.redactions:
            redactions.append(Redaction(
                redaction.start + original_base, redaction.end + original_base,
                redaction.redacted_start + content_base, redaction.redacted_end + content_base,
                redaction.kind, redaction.rule,
            ))
        originals.append(lead + message.original)
        contents.append(lead + message.content)
        original_length = original_base + len(message.original)
        content_length = content_base + len(message.content)
    return "".join(originals), "".join(contents), redactions
