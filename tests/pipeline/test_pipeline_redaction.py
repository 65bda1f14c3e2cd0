"""Redaction on informal chat text: what must become a placeholder and what must stay."""

import pytest

from persona_tui.pipeline.redaction import Redactor
from persona_tui.pipeline.settings import PipelineSettings

# (text, the exact piece that is personal data, kind). Each piece appears once in its text.
HITS = [
    ("call me at 415 555 0132", "415 555 0132", "phone"),
    ("text me 4155550132", "4155550132", "phone"),
    ("(415) 555-0132 is my cell", "(415) 555-0132", "phone"),
    ("my number is 555-867-5309", "555-867-5309", "phone"),
    ("uk mobile is 07700 900123 btw", "07700 900123", "phone"),
    ("office +44 20 7946 0958", "+44 20 7946 0958", "phone"),
    ("+1 415 555 0199 anytime", "+1 415 555 0199", "phone"),
    ("call 867-5309", "867-5309", "phone"),
    ("ring 202.555.0143 tonight", "202.555.0143", "phone"),
    ("call me at 415 555 0132 45 times lol", "415 555 0132", "phone"),
    ("my email is x at gmail dot com", "x at gmail dot com", "email"),
    ("sam (at) mail [dot] org", "sam (at) mail [dot] org", "email"),
    ("write jamie.rivera@example.com ok", "jamie.rivera@example.com", "email"),
    ("K.Nguyen@Example.NET works", "K.Nguyen@Example.NET", "email"),
    ("its robin at proton.me", "robin at proton.me", "email"),
    ("im at 42 oak st apt 3", "42 oak st apt 3", "address"),
    ("42 Oak Street Apt 3, Springfield, IL 62704", "42 Oak Street Apt 3, Springfield, IL 62704", "address"),
    ("the white house is 1600 Pennsylvania Ave NW", "1600 Pennsylvania Ave NW", "address"),
    ("visit 221B Baker Street", "221B Baker Street", "address"),
    ("meet at 350 Fifth Avenue, New York, NY 10118 at noon", "350 Fifth Avenue, New York, NY 10118", "address"),
    ("moved to 7 Maple Way", "7 Maple Way", "address"),
    ("card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111", "card"),
    ("use 4111111111111111", "4111111111111111", "card"),
    ("amex 3782-822463-10005 lol", "3782-822463-10005", "card"),
    ("iban DE89 3704 0044 0532 0130 00 thanks", "DE89 3704 0044 0532 0130 00", "iban"),
    ("GB82WEST12345698765432 is mine", "GB82WEST12345698765432", "iban"),
    ("server is 192.168.1.20 now", "192.168.1.20", "ip"),
    ("ssh into 2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334", "ip"),
    ("ssn 123-45-6789", "123-45-6789", "ssn"),
    ("my social security number is 123 45 6789", "123 45 6789", "ssn"),
    ("reset via https://example.com/reset?token=abc123def ok", "https://example.com/reset?token=abc123def", "url"),
    ("https://robin:hunter2@files.example.com/x", "https://robin:hunter2@files.example.com/x", "url"),
    ("hook https://discord.com/api/webhooks/123/abcdef", "https://discord.com/api/webhooks/123/abcdef", "url"),
    ("https://example.com/cb#access_token=xyz", "https://example.com/cb#access_token=xyz", "url"),
    ("join discord.gg/abcDEF", "discord.gg/abcDEF", "invite"),
    ("https://discord.com/invite/xyz123.", "https://discord.com/invite/xyz123", "invite"),
    ("MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123 oops",
     "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123", "secret"),
    ("key sk-proj-abcdefghijklmnopqrstuvwx", "sk-proj-abcdefghijklmnopqrstuvwx", "secret"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "secret"),
    ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "secret"),
    ("my key tgp_FAKE_0123456789abcdef ok", "tgp_FAKE_0123456789abcdef", "secret"),
    ("tgp_v1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_ab", "tgp_v1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_ab", "secret"),
    ("hf token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "secret"),
    ("glpat-abcdefghij0123456789 is the gitlab one", "glpat-abcdefghij0123456789", "secret"),
    ("stripe sk_live_abcdefghij0123456789", "sk_live_abcdefghij0123456789", "secret"),
    ("rk_test_abcdefghij0123456789", "rk_test_abcdefghij0123456789", "secret"),
]

# Text that looks like personal data and is not: none of it may change.
LOOK_ALIKES = [
    "see you at 10:30",
    "meet at 2024-01-05",
    "on 01/05/2024 ok",
    "moved on 12.05.2024",
    "it was $12.99",
    "costs 1,299.99 now",
    "v1.2.3 is out",
    "version 10.0.19041",
    "1.5.0.1 release notes",
    "we won 21-19",
    "score 3-2",
    "final 103-98 ot",
    "timestamp 1700000000",
    "<t:1700000000:R>",
    "id 1100000000000123456",
    "<@123456789012345678>",
    "<:kekw:123456789012345678>",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://example.com/article/123",
    "https://example.com/search?q=cats&page=2",
    "ate 3 pizzas on main st",
    "drove 300 miles down the road",
    "it costs 5 dollars way too much",
    "took 2 hrs",
    "room 404",
    "at 5pm",
    "12:30:45",
    "std::vector is fine",
    "meet at home dot",
    "lol 123456 lol",
    "call me at 5",
    "in 2 weeks lol",
    "100% sure",
    "the 1st place",
    "pi is 3.14159265",
    "my number is 42",
    "I scored 1500 points",
    "order #12345678",
    "@Robin at work",
    "bob@home",
    "the year 2023 and 2024",
    "snowflake 4111111111111111111",
    "https://example.com/item/4111111111111111",
    "https://example.com/?ref=4111111111111111",
    "https://discord.com/channels/1012224565567721552/1060927310439657577",
]


@pytest.mark.parametrize(("text", "piece", "kind"), HITS, ids=[case[0] for case in HITS])
def test_hit_becomes_placeholder(text, piece, kind):
    result = Redactor(PipelineSettings()).redact_all([text])[0]
    placeholder = f"[{kind.upper()}]"
    start = text.index(piece)
    expected = text[:start] + placeholder + text[start + len(piece):]

    assert result.content == expected
    assert len(result.redactions) == 1
    redaction = result.redactions[0]
    assert (redaction.start, redaction.end) == (start, start + len(piece))
    assert (redaction.redacted_start, redaction.redacted_end) == (start, start + len(placeholder))
    assert redaction.kind == kind
    assert result.original == text


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_stays(text):
    assert Redactor(PipelineSettings()).redact_all([text]) == {}


def test_batch_maps_spans_to_each_text():
    texts = ["nothing here", "call 415 555 0132 or mail a@b.io", "", "still nothing", "ip 10.0.0.7"]
    results = Redactor(PipelineSettings()).redact_all(texts)

    assert sorted(results) == [1, 4]
    second = results[1]
    assert second.content == "call [PHONE] or mail [EMAIL]"
    # "call " is 5 characters; the number is 12; " or mail " is 9 more.
    assert [(r.start, r.end, r.redacted_start, r.redacted_end, r.kind) for r in second.redactions] == [
        (5, 17, 5, 12, "phone"), (26, 32, 21, 28, "email"),
    ]
    assert results[4].content == "ip [IP]"


def test_user_exact_strings_always_redacted():
    settings = PipelineSettings(redact_kinds=[], redact_exact=[["address", "12 Elm Row"], ["phone", "ext 44"]])
    result = Redactor(settings).redact_all(["I live at 12 elm row, ext 44, call 415 555 0132"])[0]
    assert result.content == "I live at [ADDRESS], [PHONE], call 415 555 0132"
    assert [(r.kind, r.rule) for r in result.redactions] == [("address", "user:exact"), ("phone", "user:exact")]


def test_disabled_kind_is_left():
    settings = PipelineSettings(redact_kinds=["email"])
    results = Redactor(settings).redact_all(["call 415 555 0132", "a@b.io"])
    assert sorted(results) == [1]


def test_secret_link_wins_over_invite():
    # The invite pattern covers only "https://discord.gg/abc"; the whole link must go, or
    # the token would be left in the text.
    result = Redactor(PipelineSettings()).redact_all(["https://discord.gg/abc?token=x"])[0]
    assert result.content == "[URL]"
    assert len(result.redactions) == 1
