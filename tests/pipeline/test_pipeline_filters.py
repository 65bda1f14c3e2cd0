"""Each drop rule on a table of messages, with the rule that should drop each one."""

import pytest

from persona_tui.pipeline.filters import MessageFilter
from persona_tui.pipeline.settings import PipelineSettings

# (type, content, author is bot, interaction, attachments, embeds, stickers) -> rule or None
CASES = [
    (("Default", "hey", False, False, 0, 0, 0), None),
    (("Reply", "yes", False, False, 0, 0, 0), None),
    (("0", "numeric default", False, False, 0, 0, 0), None),
    (("19", "numeric reply", False, False, 0, 0, 0), None),
    (("ChannelPinnedMessage", "Pinned a message.", False, False, 0, 0, 0), "type"),
    (("Call", "Started a call that lasted 12 minutes.", False, False, 0, 0, 0), "type"),
    (("GuildMemberJoin", "Joined the server.", False, False, 0, 0, 0), "type"),
    (("RecipientAdd", "Added someone to the group.", False, False, 0, 0, 0), "type"),
    (("ThreadCreated", "Started a thread.", False, False, 0, 0, 0), "type"),
    (("20", "slash command", False, False, 0, 0, 0), "type"),
    (("46", "poll result", False, False, 0, 0, 0), "type"),
    (("Default", "beep boop", True, False, 0, 0, 0), "bot"),
    (("Default", "Rolled a 6", False, True, 0, 0, 0), "interaction"),
    (("Default", "!play never gonna", False, False, 0, 0, 0), "command"),
    (("Default", "/roll", False, False, 0, 0, 0), "command"),
    (("Default", "  !skip", False, False, 0, 0, 0), "command"),
    (("Default", "!!! no way", False, False, 0, 0, 0), None),
    (("Default", "/r/pics has it", False, False, 0, 0, 0), None),
    (("Default", "!", False, False, 0, 0, 0), None),
    (("Default", "", False, False, 0, 0, 0), "empty"),
    (("Default", "   \n ", False, False, 0, 0, 0), "empty"),
    (("Default", "", False, False, 0, 0, 1), "sticker_only"),
    (("Default", "", False, False, 1, 0, 1), "sticker_only"),
    (("Default", "", False, False, 2, 0, 0), "attachment_only"),
    (("Default", "", False, False, 0, 1, 0), "embed_only"),
    (("Default", "look at this", False, False, 1, 0, 0), None),
    (("Default", "https://example.com/article/123", False, False, 0, 1, 0), "url_only"),
    (("Default", "<https://example.com/a>", False, False, 0, 0, 0), "url_only"),
    (("Default", "https://a.example/x https://b.example/y", False, False, 0, 0, 0), "url_only"),
    (("Default", " https://tenor.com/view/cat-dance-gif-12345 ", False, False, 0, 0, 0), "url_only"),
    (("Default", "lol https://example.com", False, False, 0, 0, 0), None),
    (("Default", "https://example.com lol", False, False, 0, 0, 0), None),
]


@pytest.mark.parametrize(("fields", "expected"), CASES, ids=[repr(case[0][:2]) for case in CASES])
def test_default_rules(fields, expected):
    assert MessageFilter(PipelineSettings()).drop_reason(*fields) == expected


def test_disabled_rules_keep_messages():
    settings = PipelineSettings(drop_bots=False, drop_commands=False, drop_url_only=False, drop_sticker_only=False,
                                drop_interactions=False, keep_types=["Default", "Call"])
    message_filter = MessageFilter(settings)
    assert message_filter.drop_reason("Default", "beep", True, False, 0, 0, 0) is None
    assert message_filter.drop_reason("Default", "!play x", False, False, 0, 0, 0) is None
    assert message_filter.drop_reason("Default", "https://example.com", False, False, 0, 0, 0) is None
    assert message_filter.drop_reason("Default", "", False, False, 0, 0, 1) is None
    assert message_filter.drop_reason("Default", "x", False, True, 0, 0, 0) is None
    assert message_filter.drop_reason("Call", "Started a call.", False, False, 0, 0, 0) is None
    assert message_filter.drop_reason("Reply", "yes", False, False, 0, 0, 0) == "type"


def test_command_prefixes_setting():
    message_filter = MessageFilter(PipelineSettings(command_prefixes="$"))
    assert message_filter.drop_reason("Default", "$balance", False, False, 0, 0, 0) == "command"
    assert message_filter.drop_reason("Default", "!play x", False, False, 0, 0, 0) is None


def test_no_command_prefixes_keeps_commands():
    message_filter = MessageFilter(PipelineSettings(command_prefixes=""))
    assert message_filter.drop_reason("Default", "!play x", False, False, 0, 0, 0) is None
