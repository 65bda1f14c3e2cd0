"""Splitting a model reply into the separate messages a person would send.

Training merges a speaker's consecutive messages into one turn joined by newlines, so the
model answers with one line per message. The Chat tab and the bot split replies with this
one function, so what the user sees in the terminal is what Discord gets.
"""

from __future__ import annotations

DISCORD_MESSAGE_LIMIT = 2000


def split_reply(text: str, limit: int = DISCORD_MESSAGE_LIMIT) -> list[str]:
    """Split `text` into messages: one per non-blank line, a fenced code block kept whole,
    and every message cut to at most `limit` characters at a space where there is one."""
    messages: list[str] = []
    block: list[str] | None = None

    for line in text.splitlines():
        if block is not None:
            block.append(line)
            if line.strip().startswith("```"):
                messages.append("\n".join(block))
                block = None
            continue
        if line.strip().startswith("```") and line.strip().count("```") == 1:
            block = [line]
            continue
        if line.strip():
            messages.append(line.strip())

    if block is not None:
        # An unclosed fence: send what there is rather than drop it.
        messages.append("\n".join(block))

    pieces: list[str] = []
    for message in messages:
        pieces.extend(cut_to_limit(message, limit))
    return pieces


def cut_to_limit(message: str, limit: int) -> list[str]:
    """Cut one message into pieces of at most `limit` characters, preferring a break at
    the last newline or space inside the limit."""
    pieces = []
    while len(message) > limit:
        cut = max(message.rfind("\n", 0, limit + 1), message.rfind(" ", 0, limit + 1))
        if cut <= 0:
            cut = limit
        pieces.append(message[:cut].rstrip())
        message = message[cut:].lstrip()
    if message:
        pieces.append(message)
    return pieces
