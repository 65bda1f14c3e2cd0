"""Cheap candidate patterns for personal data, one per kind.

Each pattern runs once over many messages joined by NUL characters, so none of them may
match a NUL: they use `[^\\s\\x00]` where `\\S` would do. For the same reason every
lookaround must treat a NUL like the edge of the text: negative lookarounds and `\\b`
do, while `^`, `$` and positive lookbehinds would not. A match is only a candidate;
validators.py decides. Lookbehinds keep candidates from starting inside a longer word or
number, which is what keeps snowflake ids and markup like `<t:1700000000>` out.
"""

from __future__ import annotations

import re

# Triggers: cheap scans that pick the texts a family of patterns needs to look at. The
# lowercase ones run on a lowercased copy of the text. A text is picked when any trigger
# of a tuple matches: two literal scans are faster than one scan for "http|discord".
DIGIT_TRIGGER = re.compile(r"\d")
AT_SIGN_TRIGGER = re.compile("@")
LINK_TRIGGERS = (re.compile("http"), re.compile("discord"))
SPELLED_AT_TRIGGER = re.compile(r"[ (\[{]at[ )\]}]")
SECRET_TRIGGER = re.compile(
    r"sk-|gh[pousr]_|github_pat_|xox[abposr]-|AKIA|AIza|\.[\w-]{6}\.|tgp_|hf_|glpat-|[rs]k_(?:live|test)_"
)

# Tokens with a recognisable shape. Discord bot tokens are three base64url parts, and the
# first part encodes the bot's id. The others start with a published prefix: OpenAI
# (`sk-`, `sk-proj-`), Anthropic (`sk-ant-`), GitHub (`ghp_` and friends, `github_pat_`),
# Slack (`xox?-`), AWS access key ids (`AKIA`), Google API keys (`AIza`), Together AI
# (`tgp_`), Hugging Face (`hf_`), GitLab personal access tokens (`glpat-`) and Stripe
# secret and restricted keys (`sk_live_`, `rk_test_` and so on).
SECRET = re.compile(
    r"(?<![\w-])(?:"
    r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"
    r"|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"
    r"|gh[pousr]_[A-Za-z0-9]{36,}"
    r"|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|AKIA[0-9A-Z]{16}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|tgp_[A-Za-z0-9_-]{16,}"
    r"|hf_[A-Za-z0-9]{30,}"
    r"|glpat-[A-Za-z0-9_-]{20,}"
    r"|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r")(?![\w-])"
)

INVITE = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:discord(?:app)?\.com/invite|discord\.gg)/[A-Za-z0-9-]{2,32}(?![\w-])",
    re.IGNORECASE,
)

# Every link; validators.is_secret_url decides which ones carry a secret. The end follows
# DiscordChatExporter's auto-link rule: trailing punctuation is not part of the link.
URL = re.compile(r"https?://[^\s\x00<>\"'`]*[^\s\x00<>\"'`.,:;!?)\]]", re.IGNORECASE)

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")

# "x at gmail dot com", "x (at) mail [dot] org": the spelled-out forms people type to dodge
# scrapers. The top-level domain must be a common one so "meet at home dot" stays.
_AT = r"(?:\s*[\(\[\{]at[\)\]\}]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\(\[\{]dot[\)\]\}]\s*|\s+dot\s+|\.)"
_TLD = r"(?:com|net|org|edu|gov|io|co|uk|de|fr|nl|es|it|ca|au|me|us|info|dev|app|ru|jp|br|in)"
INFORMAL_EMAIL = re.compile(
    rf"(?<![\w.+-])[A-Za-z0-9._%+-]+{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*?{_DOT}{_TLD}\b",
    re.IGNORECASE,
)

# Grouped digits with an optional + country code and (area code): 7 to 15 digits are
# checked in validators.phone_span. No ':' or '/' inside, so times and dates split apart.
PHONE = re.compile(
    r"(?<![\w+$€£¥.,:/#@<&-])"
    r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:[ .-]?\d{1,5}){0,5}"
    r"(?![\w%]|[.,:/-]\d)"
)

SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
# Spaced or bare SSNs only count right after "SSN" or "social security"; group 1 is the number.
SSN_SPACED = re.compile(
    r"(?i:\b(?:ssn|social security(?: number| no\.?)?)\b)\s*(?:(?i:is)\s+|[:#=]\s*)?(\d{3}[ ]?\d{2}[ ]?\d{4})(?![\w-])"
)

# 13 to 19 digits, optionally in groups split by spaces or dashes, and Luhn decides. Digits
# inside a link or markup (after '/', '=', ':', '#'...) are ids, not cards.
CARD = re.compile(r"(?<![\w.:/=?&#<@-])\d(?:[ -]?\d){12,18}(?![\w]|[.-]\d)")

IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w])")

IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

# A house number, one to four words of street name, and a street suffix, then optionally a
# direction, a unit and ", City, ST 12345". Short words that glue ordinary sentences
# together may not be part of the name, so "ate 3 pizzas on main st" is not an address.
# Suffixes that are also everyday words (way, place, drive, court...) must be capitalised.
_NAME_WORD = (
    r"(?!(?i:on|at|in|to|and|or|the|of|for|with|from|by|is|are|was|were|my|your|our|a|an|it|"
    r"its|this|that|me|you|we|he|she|they|do|did|have|had|be|more|less|times|mins?|minutes|hours?)\b)"
    r"[A-Za-z][A-Za-z'.-]*"
)
_SUFFIX = (
    r"(?:(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|parkway|pkwy|highway|hwy|terrace)"
    r"|Way|Place|Pl|Drive|Dr|Court|Ct|Circle|Cir|Square|Sq)"
)
ADDRESS = re.compile(
    rf"(?<![\w.,$€£#:/-])\d{{1,6}}[A-Za-z]?(?:\s+{_NAME_WORD}){{1,4}}?\s+{_SUFFIX}\b\.?"
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    r"(?:,?\s*(?i:apt|apartment|suite|ste|unit)\.?\s*#?\w{1,6}|\s*#\d{1,6})?"
    r"(?:,\s*[A-Z][A-Za-z .]{1,30}?,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
)

# Words that mark the number after them as a phone number. They are looked for just
# before a candidate that is a possible but not a valid number (e.g. 555 numbers).
PHONE_CONTEXT = re.compile(
    r"(?i:\b(?:call|text|txt|phone|number|num|cell|mobile|tel|whatsapp|signal|ring|digits|reach me)\b)"
)
# A dotted quad right after or before these words is a version number, not an address.
VERSION_BEFORE = re.compile(r"(?i:\b(?:version|ver|release|build|firmware|patch|update)\s*$)")
VERSION_AFTER = re.compile(r"(?i:^\s*(?:version|release|build|firmware|patch|update)\b)")
