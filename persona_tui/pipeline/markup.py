"""Discord markup rewritten into the text a person reads, for raw and rendered exports.

Raw exports (`--markdown false`, the data package, fetches) contain `<:name:id>`,
`<@id>`, `<#id>`, `<@&id>` and `<t:unix:style>`. Rendered DCE exports already show
`:name:`, `@Name` and `#name`. Where DCE could not resolve a mention or date, it writes
`@Unknown`, `#deleted-channel`, `@deleted-role` or `Invalid date`. Those become neutral
words, so the model does not learn the exporter's fallbacks.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

# Neutral replacements for a mention or date that cannot be resolved.
UNKNOWN_USER = "@someone"
UNKNOWN_CHANNEL = "#channel"
UNKNOWN_ROLE = "@role"
UNKNOWN_DATE = "some date"

# One pass finds every raw token and every rendered fallback. The rendered fallbacks only
# match as whole words, so `@Unknownish` or `#deleted-channels` stay.
MARKUP = re.compile(
    r"<(?P<emoji>a?:(?P<emoji_name>\w{1,32}):\d{15,21})>"
    r"|<@!?(?P<user>\d{15,21})>"
    r"|<#(?P<channel>\d{15,21})>"
    r"|<@&(?P<role>\d{15,21})>"
    r"|<t:(?P<unix>-?\d{1,13})(?::(?P<style>[A-Za-z]))?>"
    r"|(?P<rendered_user>(?<![\w@])@Unknown\b)"
    r"|(?P<rendered_channel>(?<![\w#])#deleted-channel\b(?!-))"
    r"|(?P<rendered_role>(?<![\w@])@deleted-role\b(?!-))"
    r"|(?P<invalid_date>\bInvalid date\b)"
)

# Terminal control: whole ANSI escape sequences (CSI such as colours and cursor moves,
# OSC such as window titles and links, and the two-character escapes), then any other C0
# or C1 control character except tab and newline. Training on them teaches the model to
# emit bytes that repaint a terminal, and NUL breaks some JSONL readers.
CONTROL = re.compile(
    r"(?P<ansi>(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\^_])"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)

# Discord's timestamp styles, rendered in UTC because the export does not say where the
# reader is. R (relative) has no fixed text, so it shows the full date like the default.
TIMESTAMP_FORMATS = {
    "t": "%H:%M UTC",
    "T": "%H:%M:%S UTC",
    "d": "%Y-%m-%d",
    "D": "%-d %B %Y",
    "f": "%-d %B %Y %H:%M UTC",
    "F": "%A, %-d %B %Y %H:%M UTC",
}
DEFAULT_TIMESTAMP_FORMAT = TIMESTAMP_FORMATS["f"]

# The keys of the counts `MarkupNormaliser` keeps, one per kind of rewrite.
NORMALISATIONS = ("emoji", "user_mention", "channel_mention", "role_mention", "timestamp",
                  "unknown_user", "deleted_channel", "deleted_role", "invalid_date",
                  "ansi_escape", "control_character")


def format_timestamp(unix_seconds: int, style: str | None) -> str:
    """Return Discord timestamp markup as readable UTC text (UNKNOWN_DATE when out of range)."""
    try:
        moment = datetime.fromtimestamp(unix_seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return UNKNOWN_DATE
    return moment.strftime(TIMESTAMP_FORMATS.get(style or "f", DEFAULT_TIMESTAMP_FORMAT))


class MarkupNormaliser:
    """Rewrites markup using the workspace's author and channel names, counting each rewrite."""

    def __init__(self, author_names: dict[int, str], channel_names: dict[int, str]) -> None:
        self.author_names = author_names
        self.channel_names = channel_names
        self.counts: Counter[str] = Counter()

    def normalise(self, text: str) -> str:
        # isprintable() is a fast C check that most chat messages pass. Newlines, tabs and
        # some emoji joiners fail it too, and the regex then finds no control characters.
        if not text.isprintable():
            text = CONTROL.sub(self._remove_control, text)
        if "<" not in text and "@" not in text and "#" not in text and "Invalid date" not in text:
            return text
        return MARKUP.sub(self._replace, text)

    def _remove_control(self, match: re.Match[str]) -> str:
        self.counts["ansi_escape" if match.lastgroup == "ansi" else "control_character"] += 1
        return ""

    def _replace(self, match: re.Match[str]) -> str:
        kind = match.lastgroup
        # `lastgroup` names the outermost group that matched, so a custom emoji is "emoji"
        # and a timestamp is "style" or "unix".
        if kind == "emoji":
            self.counts["emoji"] += 1
            return f":{match.group('emoji_name')}:"

        if kind == "user":
            self.counts["user_mention"] += 1
            name = self.author_names.get(int(match.group("user")))
            return f"@{name}" if name else UNKNOWN_USER
        if kind == "channel":
            self.counts["channel_mention"] += 1
            name = self.channel_names.get(int(match.group("channel")))
            return f"#{name}" if name else UNKNOWN_CHANNEL
        if kind == "role":
            # Role names are not in any export's message list, so every role is neutral.
            self.counts["role_mention"] += 1
            return UNKNOWN_ROLE
        if kind in ("unix", "style"):
            self.counts["timestamp"] += 1
            return format_timestamp(int(match.group("unix")), match.group("style"))

        if kind == "rendered_user":
            self.counts["unknown_user"] += 1
            return UNKNOWN_USER
        if kind == "rendered_channel":
            self.counts["deleted_channel"] += 1
            return UNKNOWN_CHANNEL
        if kind == "rendered_role":
            self.counts["deleted_role"] += 1
            return UNKNOWN_ROLE
        self.counts["invalid_date"] += 1
        return UNKNOWN_DATE
