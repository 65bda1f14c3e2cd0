"""The conversation window sent to the model, built the same way for the Chat tab and the bot.

It mirrors how training samples are cut: the window starts after the last silence of
`gap_minutes`, a speaker's consecutive messages are merged into one turn joined by
newlines, and the list starts with the system prompt and then a user turn.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HistoryMessage:
    role: str            # 'user' (the other person) or 'assistant' (the persona)
    content: str
    timestamp_ms: int


def current_window(history: list[HistoryMessage], gap_minutes: float) -> list[HistoryMessage]:
    """Return the messages after the last silence of at least `gap_minutes`."""
    gap_ms = gap_minutes * 60_000
    start = 0
    for index in range(1, len(history)):
        if history[index].timestamp_ms - history[index - 1].timestamp_ms >= gap_ms:
            start = index
    return history[start:]


def build_messages(
    history: list[HistoryMessage],
    system_prompt: str,
    *,
    gap_minutes: float = 60,
    max_turns: int = 40,
) -> list[dict[str, str]]:
    """Return chat-completion messages for the current window: system prompt first, then
    alternating turns starting with a user turn, at most `max_turns` of them."""
    turns: list[dict[str, str]] = []
    for message in current_window(history, gap_minutes):
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"] += "\n" + message.content
        else:
            turns.append({"role": message.role, "content": message.content})

    turns = turns[-max_turns:]
    # The dataset never starts on the persona's turn, so the prompt does not either.
    while turns and turns[0]["role"] != "user":
        turns.pop(0)

    return [{"role": "system", "content": system_prompt}, *turns]
