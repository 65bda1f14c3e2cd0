"""Who the bot answers: plain facts about an incoming message in, a decision out."""

from __future__ import annotations

from dataclasses import dataclass

from persona_tui.bot.settings import BotSettings


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """The facts about a Discord message that decide whether the bot answers it."""

    message_id: int
    author_id: int
    author_is_bot: bool
    channel_id: int
    is_dm: bool
    mentions_bot: bool
    content: str
    timestamp_ms: int


@dataclass(frozen=True, slots=True)
class Decision:
    answer: bool
    reason: str      # why not, for the debug log; 'allowed' when answering


def decide(message: IncomingMessage, settings: BotSettings, bot_user_id: int) -> Decision:
    """Decide whether the bot answers `message`.

    It never answers itself or another bot. It answers DMs from allowed authors, and
    mentions in the listed channels only when `answer_mentions` is on.
    """
    if message.author_id == bot_user_id:
        return Decision(False, "own message")
    if message.author_is_bot:
        return Decision(False, "author is a bot")

    if not (settings.allow_everyone or message.author_id in settings.allowed_user_ids):
        return Decision(False, "author not in the allowlist")

    if message.is_dm:
        return Decision(True, "allowed")

    if not settings.answer_mentions:
        return Decision(False, "not a DM and mentions are off")
    if not message.mentions_bot:
        return Decision(False, "not a DM and the bot is not mentioned")
    if message.channel_id not in settings.mention_channel_ids:
        return Decision(False, "mention in a channel that is not allowed")
    return Decision(True, "allowed")
