"""Conversation windows: the messages of one channel between two long silences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from persona_tui.pipeline.sample import Redaction

# The redactions of a message with nothing redacted: one shared empty tuple, so the build
# does not allocate an empty list for each of the many messages that have none.
NO_REDACTIONS: tuple[Redaction, ...] = ()


@dataclass(slots=True)
class CleanMessage:
    """A kept message after markup normalisation (`original`) and redaction (`content`)."""

    id: int
    channel_id: int
    author_id: int
    timestamp_ms: int
    original: str
    content: str
    redactions: Sequence[Redaction] = NO_REDACTIONS


def split_windows(messages: list[CleanMessage], gap_minutes: float) -> list[list[CleanMessage]]:
    """Cut messages, sorted by channel and then time, into windows at every channel change
    and every silence of at least `gap_minutes` (UTC times, so a daylight-saving change
    adds no false gap)."""
    gap_ms = gap_minutes * 60_000
    windows: list[list[CleanMessage]] = []
    current: list[CleanMessage] = []
    previous_channel = previous_ms = None
    for message in messages:
        if message.channel_id != previous_channel or message.timestamp_ms - previous_ms >= gap_ms:
            current = []
            windows.append(current)
            previous_channel = message.channel_id
        current.append(message)
        previous_ms = message.timestamp_ms
    return windows
