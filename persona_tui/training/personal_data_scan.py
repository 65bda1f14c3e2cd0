"""A last scan for personal data in the exact bytes that are about to be uploaded.

This is deliberately separate from the pipeline's redaction code: it has its own patterns,
so a bug there is not repeated here. It reads the dataset file itself, so it also finds
anything a reviewer un-redacted or typed in by hand. What it finds is listed for the user
to confirm before the upload; it redacts nothing itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Only links that carry credentials are personal data: user:password@ in the authority, or
# a query parameter whose name says it holds a token, key, signature or password. An
# ordinary link (a video, an article) is what people send in chat and stays unflagged.
URL = re.compile(
    r"https?://(?:[^\s/@<>\"']+:[^\s/@<>\"']+@[^\s<>\"']+"
    r"|[^\s<>\"']*[?&#](?:[\w.-]*[_.-])?"
    r"(?:token|key|apikey|secret|sig|signature|auth|password|passwd|pwd|session)(?:[_.-][\w.-]*)?=[^\s<>\"']+)",
    re.IGNORECASE,
)
INVITE = re.compile(r"(?:discord\.gg|discord(?:app)?\.com/invite)/[A-Za-z0-9-]+")
IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{6,}\d(?!\w)")
SECRET = re.compile(
    r"\b(?:sk|tgp|ghp|gho|xoxb|xoxp)[-_][A-Za-z0-9_-]{16,}"
    r"|\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}"
)


@dataclass(frozen=True, slots=True)
class Finding:
    file: str              # the dataset file name
    line: int              # 1-based line number in that file
    message_index: int     # index into the line's `messages`
    kind: str              # 'email', 'phone', 'card', ...
    text: str              # the matched text, shown only to the user for confirmation


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    compact = text.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return int(numeric) % 97 == 1


def phone_valid(text: str) -> bool:
    """Accept a phone candidate that phonenumbers calls valid, with or without a country code."""
    import phonenumbers

    digits = re.sub(r"\D", "", text)
    # Snowflake ids and unix times are long digit runs without separators; skip them.
    if not 7 <= len(digits) <= 15 or (text.isdigit() and len(digits) >= 10 and not text.startswith("+")):
        return False
    region = None if text.startswith("+") else "US"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def scan_text(text: str) -> list[tuple[str, str]]:
    """Return (kind, matched text) of each piece of personal data in one message."""
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str]) -> None:
        start, end = match.span()
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            return
        taken.append((start, end))
        found.append((kind, match.group()))

    for pattern, kind in ((SECRET, "secret"), (URL, "url"), (EMAIL, "email"), (INVITE, "invite"),
                          (IPV4, "ip"), (SSN, "ssn")):
        for match in pattern.finditer(text):
            add(kind, match)
    for match in IBAN.finditer(text):
        if iban_valid(match.group()):
            add("iban", match)
    for match in CARD.finditer(text):
        if luhn_valid(re.sub(r"\D", "", match.group())):
            add("card", match)
    for match in PHONE.finditer(text):
        if phone_valid(match.group()):
            add("phone", match)
    return found


def scan_dataset_bytes(file_name: str, data: bytes) -> list[Finding]:
    """Return every finding in a JSONL dataset, line by line. Lines that are not valid JSON
    are left to the format check."""
    findings = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        messages = line.get("messages") if isinstance(line, dict) else None
        for index, message in enumerate(messages or []):
            content = message.get("content") if isinstance(message, dict) else None
            if not isinstance(content, str):
                continue
            for kind, text in scan_text(content):
                findings.append(Finding(file_name, number, index, kind, text))
    return findings
