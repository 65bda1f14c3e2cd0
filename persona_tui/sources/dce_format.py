"""The parts of a DiscordChatExporter (DCE) JSON export that persona-tui reads.

The structs declare only the fields the importer stores: msgspec skips every other key
without building objects for it, which is most of the decoding speed. Fields that older
exports lack (stickers before DCE 2.33, interaction before 2.38, reference when a message
is not a reply) have defaults. `type` is the MessageKind name, or the number as a string
for kinds DCE has no name for. Bare numbers are accepted too, in case a tool rewrote the file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from persona_tui.sources.records import AuthorRecord, ChannelRecord
from persona_tui.sources.validate import (
    MAX_SNOWFLAKE, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, TIMESTAMP_RANGE, InvalidValue, check_timestamp_ms,
    parse_snowflake,
)

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MILLISECOND = timedelta(milliseconds=1)

# DCE's ChannelKind names, plus the Discord API's numeric channel types for files that
# carry numbers (the data package's channel.json always does).
CHANNEL_KINDS = {
    "DirectTextChat": "dm",
    "DirectGroupTextChat": "group",
    "GuildNewsThread": "thread",
    "GuildPublicThread": "thread",
    "GuildPrivateThread": "thread",
    "GuildTextChat": "guild",
    "GuildVoiceChat": "guild",
    "GuildCategory": "guild",
    "GuildNews": "guild",
    "GuildStageVoice": "guild",
    "GuildDirectory": "guild",
    "GuildForum": "guild",
    "1": "dm",
    "3": "group",
    "10": "thread",
    "11": "thread",
    "12": "thread",
    "0": "guild",
    "2": "guild",
    "4": "guild",
    "5": "guild",
    "13": "guild",
    "14": "guild",
    "15": "guild",
    "16": "guild",
}


class CountedItem(msgspec.Struct):
    """An attachment, embed or sticker: only counted, so none of its fields are declared."""


class DceUser(msgspec.Struct):
    id: str | int
    name: str = ""
    nickname: str | None = None
    isBot: bool = False


class DceReference(msgspec.Struct):
    messageId: str | int | None = None
    type: str | None = None          # 'Default' or 'Forward', written since DCE 2.47


class DceInteraction(msgspec.Struct):
    id: str | int | None = None


class DceMessage(msgspec.Struct):
    id: str | int
    timestamp: datetime
    author: DceUser
    type: str | int = "Default"
    content: str = ""
    attachments: list[CountedItem] = []
    embeds: list[CountedItem] = []
    stickers: list[CountedItem] = []
    reference: DceReference | None = None
    interaction: DceInteraction | None = None


class DceGuild(msgspec.Struct, frozen=True):
    id: str | int = "0"
    name: str | None = None


class DceChannel(msgspec.Struct):
    id: str | int
    type: str | int = "unknown"
    name: str | None = None


class DceHeader(msgspec.Struct):
    """The preamble of an export: the guild and channel every message of the file is in."""

    channel: DceChannel
    guild: DceGuild = DceGuild()


def channel_kind(channel_type: str | int) -> str:
    return CHANNEL_KINDS.get(str(channel_type), "unknown")


def channel_record(header: DceHeader) -> ChannelRecord:
    # DCE writes DMs and group DMs under a pseudo-guild with id "0" ("Direct Messages").
    guild_id = parse_snowflake(header.guild.id, "guild id")
    return ChannelRecord(
        id=parse_snowflake(header.channel.id, "channel id"),
        kind=channel_kind(header.channel.type),
        name=header.channel.name,
        guild_id=guild_id or None,
        guild_name=header.guild.name if guild_id else None,
    )


def author_record(user: DceUser) -> AuthorRecord:
    return AuthorRecord(id=int(user.id), name=user.name, display_name=user.nickname, is_bot=user.isBot)


def timestamp_ms(moment: datetime) -> int:
    """Return UTC milliseconds since the Unix epoch; a timestamp without an offset is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - UNIX_EPOCH) // ONE_MILLISECOND


def message_rows(
    messages: list[DceMessage], channel_id: int, source_id: int, authors: dict[int, DceUser],
    first_position: int = 1,
) -> list[tuple]:
    """Turn decoded messages into `messages` rows (MESSAGE_COLUMNS order) and collect their
    authors into `authors`, the latest occurrence winning since exports run oldest first.

    Raise InvalidMessage for the first message with an id or timestamp that cannot be
    stored; `first_position` is the 1-based position of `messages[0]` in the file.
    This is the hot loop of the import, so it builds tuples directly instead of records
    and explains a bad message only after the quick checks fail.
    """
    rows = []
    for index, message in enumerate(messages):
        author = message.author
        try:
            message_id = int(message.id)
            author_id = int(author.id)

            # A reply is any message with a reference, whatever its type: DCE exports
            # from 2023 mark replies 'Default'. A forward references a message without
            # answering it, so it is not a reply.
            reference = message.reference
            reply_to = None
            if reference is not None and reference.messageId is not None and reference.type != "Forward":
                reply_to = int(reference.messageId)

            moment = message.timestamp
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            timestamp = (moment - UNIX_EPOCH) // ONE_MILLISECOND

            if not (
                0 <= message_id <= MAX_SNOWFLAKE and 0 <= author_id <= MAX_SNOWFLAKE
                and (reply_to is None or 0 <= reply_to <= MAX_SNOWFLAKE)
                and MIN_TIMESTAMP_MS <= timestamp < MAX_TIMESTAMP_MS
            ):
                raise ValueError("out of range")
        except (ValueError, OverflowError):
            raise InvalidMessage(first_position + index, message, describe_invalid(message)) from None

        authors[author_id] = author
        rows.append((
            message_id,
            channel_id,
            author_id,
            timestamp,
            str(message.type),
            message.content,
            len(message.attachments),
            len(message.embeds),
            len(message.stickers),
            int(message.interaction is not None),
            reply_to,
            source_id,
        ))
    return rows


class InvalidMessage(Exception):
    """A message of an export with a value that cannot be stored."""

    def __init__(self, position: int, message: DceMessage, reason: str) -> None:
        super().__init__(f"message {position} (id {str(message.id)!r}): {reason}")
        self.position = position


def describe_invalid(message: DceMessage) -> str:
    """Return why `message` failed the quick checks of `message_rows`, field by field."""
    try:
        parse_snowflake(message.id, "message id")
        parse_snowflake(message.author.id, "author id")
        reference = message.reference
        if reference is not None and reference.messageId is not None:
            parse_snowflake(reference.messageId, "reference.messageId")
        check_timestamp_ms(timestamp_ms(message.timestamp), message.timestamp.isoformat())
    except InvalidValue as invalid:
        return str(invalid)
    except OverflowError:
        return f"the timestamp {message.timestamp.isoformat()} is out of range ({TIMESTAMP_RANGE})"
    return "an id or the timestamp cannot be stored"
