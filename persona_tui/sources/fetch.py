"""Fetching a channel's history through the bot with discord.py.

A bot reads only what it can see: server channels and threads it is in (with the View
Channel and Read Message History permissions) and the DMs people sent to the bot itself.
It cannot read a person's private DMs with friends; those come from a DiscordChatExporter
export or Discord's data package, through the importers.

Messages are stored in batches, each with the fetch state in the same transaction, so a
fetch that stops (error, Ctrl+C, rate limit) resumes after the last stored message.
discord.py requests 100 messages per call and waits out 429 responses itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from persona_tui.sources.fetch_store import last_fetched_id, save_fetch_state
from persona_tui.sources.records import AuthorRecord, ChannelRecord, MessageRecord
from persona_tui.sources.store import insert_source, store_batch

log = logging.getLogger(__name__)

BATCH_SIZE = 500

PRIVATE_DMS_HINT = (
    "A bot cannot read a person's private DMs with friends. Export those with "
    "DiscordChatExporter or request Discord's data package, and import the files instead."
)


class FetchError(Exception):
    """A fetch that cannot run; the message names the channel and what to do."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    channel_id: int
    fetched: int          # messages read from Discord in this run
    new: int              # of those, messages the workspace did not have
    resumed_after: int | None
    empty: int = 0        # messages with no content and nothing attached

    def looks_censored(self) -> bool:
        """Return True when every message came without content, the sign of a bot that
        lacks the message content intent in a server channel."""
        return self.fetched > 0 and self.empty == self.fetched


def channel_record(channel: Any) -> ChannelRecord:
    import discord

    if isinstance(channel, discord.DMChannel):
        return ChannelRecord(id=channel.id, kind="dm", name=str(channel.recipient) if channel.recipient else None)
    if isinstance(channel, discord.GroupChannel):
        return ChannelRecord(id=channel.id, kind="group", name=channel.name)
    guild = getattr(channel, "guild", None)
    kind = "thread" if isinstance(channel, discord.Thread) else "guild"
    return ChannelRecord(
        id=channel.id, kind=kind, name=getattr(channel, "name", None),
        guild_id=guild.id if guild else None, guild_name=guild.name if guild else None,
    )


def message_record(message: Any) -> MessageRecord:
    import discord

    # The names DiscordChatExporter writes for the two conversational types; others as numbers.
    names = {discord.MessageType.default: "Default", discord.MessageType.reply: "Reply"}
    reference = message.reference
    return MessageRecord(
        id=message.id,
        channel_id=message.channel.id,
        author_id=message.author.id,
        timestamp_ms=int(message.created_at.timestamp() * 1000),
        type=names.get(message.type, str(message.type.value)),
        content=message.content,
        attachment_count=len(message.attachments),
        embed_count=len(message.embeds),
        sticker_count=len(message.stickers),
        is_interaction=message.interaction_metadata is not None,
        reply_to=reference.message_id if reference is not None else None,
    )


def author_record(user: Any) -> AuthorRecord:
    display = getattr(user, "global_name", None) or getattr(user, "display_name", None)
    return AuthorRecord(id=user.id, name=user.name, display_name=display, is_bot=bool(user.bot))


async def resolve_channel(client: Any, channel_id: int) -> Any:
    import discord

    channel = client.get_channel(channel_id)
    if channel is not None:
        return channel
    try:
        return await client.fetch_channel(channel_id)
    except discord.NotFound:
        raise FetchError(
            f"Channel {channel_id} was not found, or the bot is not in its server. Check the id "
            f"(Developer Mode, right-click the channel, Copy Channel ID). {PRIVATE_DMS_HINT}"
        ) from None
    except discord.Forbidden:
        raise FetchError(
            f"The bot may not see channel {channel_id}. Give it View Channel and Read Message "
            f"History there. {PRIVATE_DMS_HINT}"
        ) from None


async def fetch_channel_history(
    client: Any,
    workspace: Any,
    channel_id: int,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> FetchResult:
    """Fetch the messages of `channel_id` newer than the last fetch into the workspace.

    `client` is a logged-in `discord.Client`; `progress` receives the running count.
    """
    import discord

    channel = await resolve_channel(client, channel_id)
    record = channel_record(channel)
    with workspace.transaction() as db:
        resume_id = last_fetched_id(db, channel_id)
        source_id = insert_source(db, path=f"discord:channel/{channel_id}", kind="fetch", checksum=None, size_bytes=None)
    log.info("fetching channel %d (%s), resuming after message %s", channel_id, record.kind, resume_id)

    after = discord.Object(id=resume_id) if resume_id is not None else discord.Object(id=0)
    fetched = new = empty = 0
    batch: list[Any] = []
    try:
        async for message in channel.history(limit=None, after=after, oldest_first=True):
            batch.append(message)
            if not message.content and not (message.attachments or message.embeds or message.stickers):
                empty += 1
            if len(batch) >= batch_size:
                new += _store(workspace, source_id, record, batch)
                fetched += len(batch)
                batch = []
                if progress is not None:
                    progress(fetched)
    except discord.Forbidden:
        raise FetchError(
            f"The bot may not read the history of channel {channel_id}. Give it Read Message History "
            f"there. {PRIVATE_DMS_HINT}"
        ) from None
    finally:
        # Whatever was read before an error or an interrupt is kept, and the next fetch resumes there.
        if batch:
            new += _store(workspace, source_id, record, batch)
            fetched += len(batch)
            if progress is not None:
                progress(fetched)
        log.info("fetched %d messages (%d new) from channel %d", fetched, new, channel_id)

    result = FetchResult(channel_id=channel_id, fetched=fetched, new=new, resumed_after=resume_id, empty=empty)
    if result.looks_censored():
        log.warning("all %d messages fetched from channel %d have empty content", fetched, channel_id)
    return result


def _store(workspace: Any, source_id: int, channel: ChannelRecord, batch: list[Any]) -> int:
    messages = [message_record(message) for message in batch]
    authors = list({message.author.id: author_record(message.author) for message in batch}.values())
    with workspace.transaction() as db:
        added = store_batch(db, source_id, messages, authors, [channel])
        save_fetch_state(db, channel.id, messages[-1].id, added)
    return added


async def fetch_with_token(workspace: Any, token: str, channel_ids: list[int], *, progress=None) -> list[FetchResult]:
    """Log in with the bot token over REST (no gateway connection) and fetch each channel."""
    import discord

    client = discord.Client(intents=discord.Intents.default())
    async with client:
        try:
            await client.login(token)
        except discord.LoginFailure:
            raise FetchError(
                "Discord rejected the bot token (401 Unauthorized). Store a valid token and try again."
            ) from None
        results = await fetch_channels(client, workspace, channel_ids, progress=progress)
    return results


async def fetch_channels(client: Any, workspace: Any, channel_ids: list[int], *, progress=None) -> list[FetchResult]:
    """Fetch each channel in turn with a logged-in `client`.

    `progress` receives each channel's running count of messages read.
    """
    return [
        await fetch_channel_history(client, workspace, channel_id, progress=progress)
        for channel_id in channel_ids
    ]
