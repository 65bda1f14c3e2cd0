"""Which messages carry conversation worth learning from, and which rule drops the others.

Each message is dropped by the first rule that matches, in the order of DROP_RULES, so
the statistics count every dropped message exactly once.
"""

from __future__ import annotations

import re
from persona_tui.pipeline.settings import PipelineSettings

# The rule names, in the order they are checked.
DROP_RULES = (
    "type",
    "bot",
    "interaction",
    "command",
    "empty",
    "sticker_only",
    "attachment_only",
    "embed_only",
    "url_only",
)

# DiscordChatExporter's auto-link pattern, plus the `<https://...>` form that suppresses the
# embed. Content made only of these (and whitespace) carries no text of its own.
URL_ONLY = re.compile(r"\s*(?:(?:<https?://[^\s>]+>|https?://\S*[^.,:;\"'\s])\s*)+")


class MessageFilter:
    """The drop rules of one build, with the settings compiled once."""

    def __init__(self, settings: PipelineSettings) -> None:
        self.settings = settings
        self.keep_types = frozenset(settings.keep_types)
        self.prefixes = settings.command_prefixes
        # A command is a prefix, a letter, and then the end or a space: `!play x`, `/roll`.
        # `/r/pics` and `!!!` stay, because they are not followed by a letter then a space.
        self.command = re.compile(rf"[{re.escape(self.prefixes)}][A-Za-z][\w-]*(?:\s|$)") if self.prefixes else None

    def drop_reason(
        self,
        message_type: str,
        content: str,
        author_is_bot: bool,
        is_interaction: bool,
        attachment_count: int,
        embed_count: int,
        sticker_count: int,
    ) -> str | None:
        """Return the name of the rule that drops the message, or None to keep it.

        The fields are the columns of the `messages` table (and the author's bot flag),
        passed one by one because the build calls this for every stored message.
        """
        settings = self.settings
        if message_type not in self.keep_types:
            return "type"
        if settings.drop_bots and author_is_bot:
            return "bot"
        if settings.drop_interactions and is_interaction:
            return "interaction"

        text = content.strip()
        if text:
            # The first character rules out most messages before any pattern runs.
            first = text[0]
            if self.command is not None and first in self.prefixes and settings.drop_commands \
                    and self.command.match(text):
                return "command"
            if (first == "h" or first == "<") and settings.drop_url_only and URL_ONLY.fullmatch(text):
                return "url_only"
            return None

        # No text: the message is empty or carries only media.
        if sticker_count:
            return "sticker_only" if settings.drop_sticker_only else None
        if attachment_count:
            return "attachment_only" if settings.drop_attachment_only else None
        if embed_count:
            return "embed_only" if settings.drop_embed_only else None
        return "empty" if settings.drop_empty else None
