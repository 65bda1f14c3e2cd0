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

# When two candidates overlap, the one from the earlier kind wins. A token inside a link
# is a secret. A link with a secret parameter goes whole, even an invite link, so no token
# is left behind. The digits of an e-mail address are not a phone number.
PRIORITY = ("user", "secret", "url", "invite", "email", "iban", "card", "ssn", "ip", "phone", "address")

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

    def redact_all(self, texts: list[str]) -> dict[int, RedactedText]:
        """Redact every text and return the redacted ones by their index in `texts`. A
        text missing from the result has nothing to redact."""
        joined = SEPARATOR.join(texts)
        if joined.count(SEPARATOR) != len(texts) - 1:
            # A text contains NUL itself; blank it in the scanned copy, keeping offsets.
            joined = SEPARATOR.join(text.replace(SEPARATOR, " ") for text in texts)
        starts = []
        offset = 0
        for text in texts:
            starts.append(offset)
            offset += len(text) + 1
        scan = _Scan(joined, starts)

        spans_by_text: dict[int, list[Span]] = {}
        for index, start, end, kind, rule in self._candidates(scan):
            span = Span(start, end, kind, rule, PRIORITY.index(rule.split(":")[0]))
            spans_by_text.setdefault(index, []).append(span)
        return {index: self._apply(texts[index], spans) for index, spans in sorted(spans_by_text.items())}

    def _apply(self, text: str, spans: list[Span]) -> RedactedText:
        # Keep the highest-priority span of each overlapping group, then the longest.
        chosen: list[Span] = []
        for span in sorted(spans, key=lambda item: (item.priority, item.start - item.end)):
            overlaps = False
            for other in chosen:
                if span.start < other.end and other.start < span.end:
                    overlaps = True
                    break
            if not overlaps:
                chosen.append(span)
        chosen.sort(key=lambda item: item.start)

        pieces = []
        redactions = []
        position = 0
        redacted_length = 0
        for span in chosen:
            unchanged = text[position:span.start]
            pieces.append(unchanged)
            redacted_length += len(unchanged)
            placeholder = PLACEHOLDERS[span.kind]
            pieces.append(placeholder)
            redactions.append(Redaction(span.start, span.end, redacted_length,
                                        redacted_length + len(placeholder), span.kind, span.rule))
            redacted_length += len(placeholder)
            position = span.end
            self.counts[span.kind] += 1
        pieces.append(text[position:])
        return RedactedText(text, "".join(pieces), redactions)

    def _candidates(self, scan: _Scan) -> Iterator[tuple[int, int, int, str, str]]:
        """Yield (text index, start, end, kind, rule) of every validated candidate.

        Each family of patterns only scans the texts that contain its trigger: a digit,
        an '@', a link, a spelled-out "at" or a token prefix. One fast scan of the joined
        text finds them, and most chat messages contain none.
        """
        kinds = self.kinds
        if self.exact is not None:
            for match in self.exact.finditer(scan.joined):
                index = bisect_right(scan.starts, match.start()) - 1
                base = scan.starts[index]
                # IGNORECASE and casefold() differ for a few characters; a match whose
                # casefold is not a key is still redacted, as a secret.
                kind = self.exact_kinds.get(match.group().casefold(), "secret")
                yield index, match.start() - base, match.end() - base, kind, "user:exact"

        if "secret" in kinds:
            for index, match in scan.matches(patterns.SECRET, scan.having(patterns.SECRET_TRIGGER)):
                yield index, match.start(), match.end(), "secret", "secret:token"
        if "invite" in kinds or "url" in kinds:
            linked = scan.having(patterns.LINK_TRIGGER, lowercase=True)
            if "invite" in kinds:
                for index, match in scan.matches(patterns.INVITE, linked):
                    yield index, match.start(), match.end(), "invite", "invite:discord"
            if "url" in kinds:
                for index, match in scan.matches(patterns.URL, linked):
                    if validators.is_secret_url(match.group()):
                        yield index, match.start(), match.end(), "url", "url:secret-parameter"
        if "email" in kinds:
            for index, match in scan.matches(patterns.EMAIL, scan.having(patterns.AT_SIGN_TRIGGER)):
                yield index, match.start(), match.end(), "email", "email:address"
            spelled = scan.having(patterns.SPELLED_AT_TRIGGER, lowercase=True)
            for index, match in scan.matches(patterns.INFORMAL_EMAIL, spelled):
                yield index, match.start(), match.end(), "email", "email:spelled-out"

        numeric = scan.having(patterns.DIGIT_TRIGGER)
        if "iban" in kinds:
            for index, match in scan.matches(patterns.IBAN, numeric):
                if validators.is_iban(match.group()):
                    yield index, match.start(), match.end(), "iban", "iban:mod97"
        if "card" in kinds:
            for index, match in scan.matches(patterns.CARD, numeric):
                if validators.is_card(match.group()):
                    yield index, match.start(), match.end(), "card", "card:luhn"
        if "ssn" in kinds:
            for index, match in scan.matches(patterns.SSN, numeric):
                if validators.is_ssn(match.group()):
                    yield index, match.start(), match.end(), "ssn", "ssn:pattern"
            for index, match in scan.matches(patterns.SSN_SPACED, numeric):
                if validators.is_ssn(match.group(1)):
                    yield index, match.start(1), match.end(1), "ssn", "ssn:context"
        if "ip" in kinds:
            for index, match in scan.matches(patterns.IPV4, numeric):
                text = match.string
                before = text[max(0, match.start() - CONTEXT_WIDTH):match.start()]
                after = text[match.end():match.end() + CONTEXT_WIDTH]
                if validators.is_ipv4(match.group(), before, after):
                    yield index, match.start(), match.end(), "ip", "ip:v4"
            for index, match in scan.matches(patterns.IPV6, numeric):
                if validators.is_ipv6(match.group()):
                    yield index, match.start(), match.end(), "ip", "ip:v6"
        if "phone" in kinds:
            for index, match in scan.matches(patterns.PHONE, numeric):
                candidate = match.group()
                # Fewer than 7 characters hold fewer than 7 digits, never a phone number.
                if len(candidate) < 7:
                    continue
                before = match.string[max(0, match.start() - CONTEXT_WIDTH):match.start()]
                length = validators.phone_span(candidate, before, self.regions)
                if length:
                    yield index, match.start(), match.start() + length, "phone", "phone:number"
        if "address" in kinds:
            for index, match in scan.matches(patterns.ADDRESS, numeric):
                yield index, match.start(), match.end(), "address", "address:street"


class _Scan:
    """The joined text of one batch and the start offset of each text in it."""

    def __init__(self, joined: str, starts: list[int]) -> None:
        self.joined = joined
        self.starts = starts
        self._lowercase: str | None = None

    def having(self, trigger: re.Pattern[str], *, lowercase: bool = False) -> list[int]:
        """Return the indices of the texts where `trigger` matches, in order."""
        text = self.joined
        flags = 0
        if lowercase:
            # Scanning a lowercased copy keeps the trigger a plain literal search, which
            # is faster than IGNORECASE. A few characters (such as 'İ') lowercase to two
            # code points and would shift the offsets; then IGNORECASE is used instead.
            if self._lowercase is None:
                self._lowercase = self.joined.lower()
            if len(self._lowercase) == len(self.joined):
                text = self._lowercase
            else:
                flags = re.IGNORECASE
        # The match runs on to the end of the text, so each text yields one match however
        # often the trigger occurs in it (most texts with a digit have several).
        to_text_end = re.compile(f"(?:{trigger.pattern})[^{SEPARATOR}]*", flags)
        starts = self.starts
        return [bisect_right(starts, match.start()) - 1 for match in to_text_end.finditer(text)]

    def matches(self, pattern: re.Pattern[str], indices: list[int]) -> Iterator[tuple[int, re.Match[str]]]:
        """Yield (text index, match) for `pattern` in each listed text; match offsets are
        relative to that text, because each text is scanned on its own."""
        joined = self.joined
        starts = self.starts
        last = len(starts) - 1
        for index in indices:
            end = starts[index + 1] - 1 if index < last else len(joined)
            for match in pattern.finditer(joined[starts[index]:end]):
                yield index, match
