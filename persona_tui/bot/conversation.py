"""The history the bot keeps per user: the current conversation window, bounded in memory."""

from __future__ import annotations

from collections import deque

from persona_tui.chat.history import HistoryMessage


class Conversation:
    """One user's messages and the bot's replies, oldest first.

    Only the current window reaches the model, so a silence of at least `gap_minutes`
    drops everything before it (the rule of `chat.history.current_window`), and at most
    `max_messages` are kept.
    """

    def __init__(self, gap_minutes: float, max_messages: int) -> None:
        self.gap_ms = gap_minutes * 60_000
        self.messages: deque[HistoryMessage] = deque(maxlen=max_messages)

    def add(self, role: str, content: str, timestamp_ms: int) -> None:
        if self.messages and timestamp_ms - self.messages[-1].timestamp_ms >= self.gap_ms:
            self.messages.clear()
        self.messages.append(HistoryMessage(role=role, content=content, timestamp_ms=timestamp_ms))

    def history(self) -> list[HistoryMessage]:
        return list(self.messages)
