"""Conversation windows: a channel's messages cut at every long silence."""

from __future__ import annotations

from dataclasses import dataclass, field

from persona_tui.pipeline.sample import Redaction


@dataclass(slots=True)
class CleanMessage:
    """A kept message after markup normalisation (`original`) and redaction (`content`)."""

    id: int
    channel_id: int
    author_id: int
    timestamp_ms: int
    original: str
    content: str
    redactions: list[Redaction] = field(default_factory=list)


def split_windows(messages: list[CleanMessage], gap_minutes: float) -> list[list[CleanMessage]]:
    """Cut one channel's messages, sorted by time, into windows at every silence of at
    least `gap_minutes` (UTC times, so a daylight-saving change adds no false gap)."""
    gap_ms = gap_minutes * 60_000
    windows: list[list[CleanMessage]] = []
    current: list[CleanMessage] = []
    previous_ms = None
    for message in messages:
        if previous_ms is not None and message.timestamp_ms - previous_ms >= gap_ms:
            windows.append(current)
            current = []
        current.append(message)
        previous_ms = message.timestamp_ms
    if current:
        windows.append(current)
    return windows
