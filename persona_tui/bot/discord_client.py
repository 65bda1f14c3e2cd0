"""The discord.py client of the worker: gateway events in, the responder and status out.

discord.py is imported inside `build_client`, so importing this module stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from persona_tui.bot.policy import IncomingMessage
from persona_tui.bot.responder import Responder
from persona_tui.bot.status import BotStatus

log = logging.getLogger(__name__)


def to_incoming(message: Any, bot_user: Any) -> IncomingMessage:
    """Return the facts the policy needs about a `discord.Message`."""
    import discord

    return IncomingMessage(
        message_id=message.id,
        author_id=message.author.id,
        author_is_bot=bool(message.author.bot),
        channel_id=message.channel.id,
        is_dm=isinstance(message.channel, discord.DMChannel),
        # `in message.mentions` and not `mentioned_in`, so @everyone does not count.
        mentions_bot=any(user.id == bot_user.id for user in message.mentions),
        content=message.content,
        timestamp_ms=int(message.created_at.timestamp() * 1000),
    )


def build_client(responder: Responder, status: BotStatus, on_status_change: Callable[[], None]) -> Any:
    """Return a `discord.Client` that hands every message to `responder` and keeps
    `status` up to date on connects, disconnects and resumes."""
    import discord

    class PersonaClient(discord.Client):
        async def on_ready(self) -> None:
            status.state = "connected"
            status.connected_as = f"{self.user.name} ({self.user.id})"
            log.info("connected to Discord as %s", status.connected_as)
            on_status_change()

        async def on_connect(self) -> None:
            if status.state == "disconnected":
                status.reconnects += 1
                log.info("reconnected to the Discord gateway (reconnect %d)", status.reconnects)
            if status.state in ("disconnected", "connecting"):
                status.state = "connected" if self.is_ready() else "connecting"
                on_status_change()

        async def on_resumed(self) -> None:
            status.state = "connected"
            on_status_change()

        async def on_disconnect(self) -> None:
            if status.state != "disconnected":
                log.warning("lost the Discord gateway connection; discord.py is reconnecting")
                status.state = "disconnected"
                on_status_change()

        async def on_message(self, message: discord.Message) -> None:
            if self.user is None:
                return
            if status.state == "paused":
                return
            responder.handle(to_incoming(message, self.user), message.channel, self.user.id)

    # The default intents include DM messages; DMs to the bot and messages that mention it
    # carry their content without the privileged message content intent.
    return PersonaClient(intents=discord.Intents.default())
