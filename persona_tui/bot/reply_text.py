"""Turning a model reply into the Discord messages the bot sends."""

from __future__ import annotations

from persona_tui.chat.splitting import DISCORD_MESSAGE_LIMIT, split_reply


def truncate_reply(text: str, max_chars: int) -> str:
    """Cut `text` to at most `max_chars` characters, at the last line break or space inside
    the limit when there is one, so a runaway reply ends on a whole word."""
    if len(text) <= max_chars:
        return text
    cut = max(text.rfind("\n", 0, max_chars + 1), text.rfind(" ", 0, max_chars + 1))
    if cut <= 0:
        cut = max_chars
    return text[:cut].rstrip()


def reply_messages(text: str, max_reply_chars: int) -> list[str]:
    """Return the messages to send for a model reply: truncated to `max_reply_chars`, then
    split with the rule the Chat tab uses, each within Discord's 2,000-character limit."""
    return split_reply(truncate_reply(text.strip(), max_reply_chars), DISCORD_MESSAGE_LIMIT)
