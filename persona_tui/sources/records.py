"""The records every importer produces, one per row of the workspace tables they fill.

DCE files, the data package and fetches through the bot all end as these, so the
pipeline sees one shape whatever the source was.
"""

from __future__ import annotations

import msgspec


class MessageRecord(msgspec.Struct, frozen=True):
    id: int                      # snowflake
    channel_id: int
    author_id: int
    timestamp_ms: int            # UTC milliseconds since the Unix epoch
    type: str                    # DCE MessageKind name ('Default', 'Reply', ...) or numeric string
    content: str                 # as exported: rendered or raw markup, normalised later
    attachment_count: int = 0
    embed_count: int = 0
    sticker_count: int = 0
    is_interaction: bool = False
    reply_to: int | None = None


class AuthorRecord(msgspec.Struct, frozen=True):
    id: int
    name: str                    # username
    display_name: str | None = None
    is_bot: bool = False


class ChannelRecord(msgspec.Struct, frozen=True):
    id: int
    kind: str                    # 'dm', 'group', 'guild', 'thread', 'unknown'
    name: str | None = None
    guild_id: int | None = None
    guild_name: str | None = None
