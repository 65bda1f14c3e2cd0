"""Find personal data in many messages at once and replace it with fixed placeholders.

All texts are joined into one string with NUL separators, so each candidate pattern is
one scan in C over the whole history instead of one call per message. Only the few
candidates go through the Python validators. Offsets are mapped back to the message by a
binary search over the start offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from persona_tui.pipeline.redaction import patterns, validators
from persona_tui.pipeline.sample import PLACEHOLDERS, Redaction
from persona_tui.pipeline.settings import PipelineSettings

SEPARATOR = "\x00"

# When two candidates overlap, the one from the earlier kind wins: a token inside a link
# is a secret, an invite is not a generic link, an e-mail's digits are not a phone number.
PRIORITY = ("user", "secret", "invite", "url", "email", "iban", "card", "ssn", "ip", "phone", "address")

# How many characters before a candidate the context words may be in ("my cell is ...").
CONTEXT_WIDTH = 24


@dataclass(slots=True)
class Span:
    """A piece of one message to redact, in code-point offsets of that message."""

    start: int
    end: int
    kind: str            # a key of PLACEHOLDERS
    rule: str
    priority: int


@dataclass(slots=True)
class RedactedText:
    original: str
    content: str
    redactions: list[Redaction]


class Redactor:
    """The detectors one build runs, compiled from its settings."""

    def __init__(self, settings: PipelineSettings) -> None:
        self.kinds = frozenset(settings.redact_kinds)
        self.regions = list(settings.phone_regions)
        self.counts: Counter[str] = Counter()

        exact = sorted({text for _, text in settings.redact_exact if text.strip()}, key=len, reverse=True)
        self.exact_kinds = {text.casefold(): kind for kind, text in settings.redact_exact}
        self.exact = re.compile("|".join(map(re.escape, exact)), re.IGNORECASE) if exact else None

    def redact_all(self, texts: list[str]) -> list[RedactedText]:
        """Redact every text; the result lists the texts in the same order."""
        joined = SEPARATOR.join(text.replace(SEPARATOR, " ") for text in texts)
        starts = []
        offset = 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1

        spans_by_text: dict[int, list[Span]] = {}
        for start, end, kind, rule in self._candidates(joined):
            index = bisect_right(starts, start) - 1
            base = starts[index]
            span = Span(start - base, end - base, kind, rule, PRIORITY.index(rule.split(":")[0]))
            spans_by_text.setdefault(index, []).append(span)

        results = []
        for index, text in enumerate(texts):
            spans = spans_by_text.get(index)
            if spans is None:
                results.append(RedactedText(text, text, []))
            else:
                results.append(self._apply(text, spans))
        return results

    def _apply(self, text: str, spans: list[Span]) -> RedactedText:
        # Keep the highest-priority span of each overlapping group, then the longest.
        chosen: list[Span] = []
        for span in sorted(spans, key=lambda item: (item.priority, item.start - item.end)):
            if all(span.end <= other.start or span.start >= other.end for other in chosen):
                chosen.append(span)
        chosen.sort(key=lambda item: item.start)

        pieces = []
        redactions = []
        position = 0
        redacted_length = 0
        for span in chosen:
            kept = text[position:span.start]
            pieces.append(kept)
            redacted_length += len(kept)
            placeholder = PLACEHOLDERS[span.kind]
            pieces.append(placeholder)
            redactions.append(Redaction(span.start, span.end, redacted_length,
                                        redacted_length + len(placeholder), span.kind, span.rule))
            redacted_length += len(placeholder)
            position = span.end
            self.counts[span.kind] += 1
        pieces.append(text[position:])
        return RedactedText(text, "".join(pieces), redactions)

    def _candidates(self, joined: str) -> Iterator[tuple[int, int, str, str]]:
        """Yield (start, end, kind, rule) of every validated candidate in the joined text."""
        kinds = self.kinds
        if self.exact is not None:
            for match in self.exact.finditer(joined):
                yield match.start(), match.end(), self.exact_kinds[match.group().casefold()], "user:exact"

        if "secret" in kinds:
            for match in patterns.SECRET.finditer(joined):
                yield match.start(), match.end(), "secret", "secret:token"
        if "invite" in kinds:
            for match in patterns.INVITE.finditer(joined):
                yield match.start(), match.end(), "invite", "invite:discord"
        if "url" in kinds:
            for match in patterns.URL.finditer(joined):
                if validators.is_secret_url(match.group()):
                    yield match.start(), match.end(), "url", "url:secret-parameter"
        if "email" in kinds:
            yield from _plain(patterns.EMAIL, joined, "email", "email:address")
            yield from _plain(patterns.INFORMAL_EMAIL, joined, "email", "email:spelled-out")
        if "iban" in kinds:
            for match in patterns.IBAN.finditer(joined):
                if validators.is_iban(match.group()):
                    yield match.start(), match.end(), "iban", "iban:mod97"
        if "card" in kinds:
            for match in patterns.CARD.finditer(joined):
                if validators.is_card(match.group()):
                    yield match.start(), match.end(), "card", "card:luhn"
        if "ssn" in kinds:
            for match in patterns.SSN.finditer(joined):
                if validators.is_ssn(match.group()):
                    yield match.start(), match.end(), "ssn", "ssn:pattern"
            for match in patterns.SSN_SPACED.finditer(joined):
                if validators.is_ssn(match.group(1)):
                    yield match.start(1), match.end(1), "ssn", "ssn:context"
        if "ip" in kinds:
            for match in patterns.IPV4.finditer(joined):
                before, after = _before(joined, match.start()), _after(joined, match.end())
                if validators.is_ipv4(match.group(), before, after):
                    yield match.start(), match.end(), "ip", "ip:v4"
            for match in patterns.IPV6.finditer(joined):
                if validators.is_ipv6(match.group()):
                    yield match.start(), match.end(), "ip", "ip:v6"
        if "phone" in kinds:
            for match in patterns.PHONE.finditer(joined):
                candidate = match.group()
                # Fewer than 7 digits can never be a phone number: skip the validator.
                if len(candidate) < 7:
                    continue
                length = validators.phone_span(candidate, _before(joined, match.start()), self.regions)
                if length:
                    yield match.start(), match.start() + length, "phone", "phone:number"
        if "address" in kinds:
            yield from _plain(patterns.ADDRESS, joined, "address", "address:street")


def _plain(pattern: re.Pattern[str], joined: str, kind: str, rule: str) -> Iterator[tuple[int, int, str, str]]:
    for match in pattern.finditer(joined):
        yield match.start(), match.end(), kind, rule


def _before(joined: str, start: int) -> str:
    """Return the text just before `start` within the same message."""
    window = joined[max(0, start - CONTEXT_WIDTH):start]
    return window.rsplit(SEPARATOR, 1)[-1]


def _after(joined: str, end: int) -> str:
    """Return the text just after `end` within the same message."""
    return joined[end:end + CONTEXT_WIDTH].split(SEPARATOR, 1)[0]
