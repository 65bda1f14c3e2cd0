"""Checks that turn a candidate match into a redaction or reject it as a look-alike."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

import phonenumbers

from persona_tui.pipeline.redaction import patterns

# Query and fragment parameters whose value is a credential. A link carrying one of them
# is redacted whole as [URL]; every other link stays, because ordinary links are part of
# how people text.
SECRET_PARAMETERS = frozenset({
    "token", "access_token", "refresh_token", "id_token", "auth", "auth_token", "authorization",
    "api_key", "apikey", "key", "secret", "client_secret", "password", "passwd", "pwd", "pass",
    "session", "sessionid", "session_id", "sid", "sig", "signature", "code", "otp",
    "x-amz-signature", "x-amz-credential", "x-amz-security-token",
})


def luhn_valid(digits: str) -> bool:
    """Return whether `digits` passes the Luhn checksum that every payment card number carries."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = ord(character) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_card(candidate: str) -> bool:
    """Accept 13-19 digits that pass Luhn and start like a card (2-6), except a bare run of
    17 or more digits, which is a Discord snowflake far more often than a card."""
    digits = re.sub(r"[ -]", "", candidate)
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
        return False
    if len(digits) >= 17 and digits == candidate:
        return False
    return luhn_valid(digits)


def is_iban(candidate: str) -> bool:
    """Accept an IBAN whose check digits pass ISO 13616 mod 97."""
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(character, 36)) for character in rearranged)
    return int(number) % 97 == 1


def is_ssn(candidate: str) -> bool:
    """Accept a US Social Security number in the ranges the SSA issues (no 000, 666 or 9xx
    area, no 00 group, no 0000 serial)."""
    digits = candidate.replace("-", "").replace(" ", "")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def is_ipv4(candidate: str, before: str, after: str) -> bool:
    """Accept a dotted quad of octets up to 255, unless the words around call it a version."""
    if patterns.VERSION_BEFORE.search(before) or patterns.VERSION_AFTER.search(after):
        return False
    return all(int(octet) <= 255 and (octet == "0" or not octet.startswith("0")) for octet in candidate.split("."))


def is_ipv6(candidate: str) -> bool:
    """Accept a valid IPv6 address with at least three groups written out, so `::`, `a::b`
    and times such as 12:30:45 stay."""
    if sum(1 for group in candidate.split(":") if group) < 3:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def is_secret_url(url: str) -> bool:
    """Return whether a link carries a credential: a password in its user info, a secret
    query or fragment parameter, or a Discord webhook token in its path."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.password:
        return True
    if "/api/webhooks/" in parts.path.lower():
        return True
    for query in (parts.query, parts.fragment):
        for name, _ in parse_qsl(query, keep_blank_values=False):
            if name.lower() in SECRET_PARAMETERS:
                return True
    return False


# People repeat their own numbers, and parsing with phonenumbers costs about 0.1 ms.
@lru_cache(maxsize=4096)
def _is_phone(candidate: str, regions: tuple[str, ...], has_context: bool) -> bool:
    digit_count = sum(character.isdigit() for character in candidate)
    if not 7 <= digit_count <= 15:
        return False
    # A 4-2-2 or 2-2-4 digit pattern is a date, however it is separated.
    if re.fullmatch(r"\d{4}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ]\d{4}", candidate):
        return False

    for region in ([None] if candidate.startswith("+") else regions):
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True

    # Fictional and unassigned ranges (555 numbers, UK 07700 900xxx) are not valid numbers,
    # but after "call me", "my number is"... a person meant a phone number.
    return has_context and (digit_count >= 10 or "-" in candidate or " " in candidate)


def phone_span(candidate: str, before: str, regions: list[str] | tuple[str, ...]) -> int:
    """Return the length of the longest leading part of `candidate` that is a phone number
    (0 for none).

    The candidate pattern is greedy, so this finds the valid number "415 555 0132" in
    "415 555 0132 45". Context words only decide when no leading part is a valid number.
    """
    regions = tuple(regions)
    ends = [match.start() for match in re.finditer(r"[ .-]", candidate)] + [len(candidate)]
    for end in reversed(ends):
        if _is_phone(candidate[:end], regions, has_context=False):
            return end
    if patterns.PHONE_CONTEXT.search(before) is None:
        return 0
    for end in reversed(ends):
        if _is_phone(candidate[:end], regions, has_context=True):
            return end
    return 0
