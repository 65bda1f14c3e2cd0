"""Markup rewriting on raw and rendered exports, as a table of inputs and outputs."""

import pytest

from persona_tui.pipeline.markup import MarkupNormaliser

ALICE = 123456789012345678
GENERAL = 223456789012345678

# 1700000000 is 2023-11-14 22:13:20 UTC (a Tuesday).
CASES = [
    ("plain text stays", "plain text stays", {}),
    ("gg <:kekw:123456789012345678>", "gg :kekw:", {"emoji": 1}),
    ("<a:catjam:987654321098765432> dance", ":catjam: dance", {"emoji": 1}),
    (":kekw: rendered stays", ":kekw: rendered stays", {}),
    ("hi <@123456789012345678>", "hi @Alice", {"user_mention": 1}),
    ("hi <@!123456789012345678>", "hi @Alice", {"user_mention": 1}),
    ("hi <@999999999999999999>", "hi @someone", {"user_mention": 1}),
    ("see <#223456789012345678>", "see #general", {"channel_mention": 1}),
    ("see <#999999999999999999>", "see #channel", {"channel_mention": 1}),
    ("ping <@&555555555555555555>", "ping @role", {"role_mention": 1}),
    ("at <t:1700000000>", "at 14 November 2023 22:13 UTC", {"timestamp": 1}),
    ("at <t:1700000000:t>", "at 22:13 UTC", {"timestamp": 1}),
    ("at <t:1700000000:T>", "at 22:13:20 UTC", {"timestamp": 1}),
    ("on <t:1700000000:d>", "on 2023-11-14", {"timestamp": 1}),
    ("on <t:1700000000:D>", "on 14 November 2023", {"timestamp": 1}),
    ("on <t:1700000000:F>", "on Tuesday, 14 November 2023 22:13 UTC", {"timestamp": 1}),
    ("in <t:1700000000:R>", "in 14 November 2023 22:13 UTC", {"timestamp": 1}),
    ("hi @Robin", "hi @Robin", {}),
    ("hi @Unknown", "hi @someone", {"unknown_user": 1}),
    ("in #deleted-channel now", "in #channel now", {"deleted_channel": 1}),
    ("ping @deleted-role", "ping @role", {"deleted_role": 1}),
    ("see you Invalid date ok", "see you some date ok", {"invalid_date": 1}),
    ("@Unknownish and #deleted-channels stay", "@Unknownish and #deleted-channels stay", {}),
    ("@everyone and @here stay", "@everyone and @here stay", {}),
    ("<@123456789012345678> <:a:123456789012345678> <t:0:d>", "@Alice :a: 1970-01-01",
     {"user_mention": 1, "emoji": 1, "timestamp": 1}),
]


@pytest.mark.parametrize(("text", "expected", "counts"), CASES, ids=[case[0] for case in CASES])
def test_markup_rewrites(text, expected, counts):
    normaliser = MarkupNormaliser({ALICE: "Alice"}, {GENERAL: "general"})
    assert normaliser.normalise(text) == expected
    assert dict(normaliser.counts) == counts
