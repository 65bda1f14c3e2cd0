"""Find personal data in many messages at once and replace it with fixed placeholders.

All texts are joined into one string with NUL separators, so each candidate pattern is
one scan in C over the whole history instead of one call per message. Only the few
candidates go through the Python validators. Offsets are mapped back to the message by a
binary search over the start offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add
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
        scan = _Scan(joined, _start_offsets(texts))

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
            for index, base, _, match in scan.having(patterns.SECRET_TRIGGER).matches(patterns.SECRET):
                yield index, match.start() - base, match.end() - base, "secret", "secret:token"
        if "invite" in kinds or "url" in kinds:
            linked = scan.having(*patterns.LINK_TRIGGERS, lowercase=True)
            if "invite" in kinds:
                for index, base, _, match in linked.matches(patterns.INVITE):
                    yield index, match.start() - base, match.end() - base, "invite", "invite:discord"
            if "url" in kinds:
                for index, base, _, match in linked.matches(patterns.URL):
                    if validators.is_secret_url(match.group()):
                        yield index, match.start() - base, match.end() - base, "url", "url:secret-parameter"
        if "email" in kinds:
            for index, base, _, match in scan.having(patterns.AT_SIGN_TRIGGER).matches(patterns.EMAIL):
                yield index, match.start() - base, match.end() - base, "email", "email:address"
            spelled = scan.having(patterns.SPELLED_AT_TRIGGER, lowercase=True)
            for index, base, _, match in spelled.matches(patterns.INFORMAL_EMAIL):
                yield index, match.start() - base, match.end() - base, "email", "email:spelled-out"

        numeric = scan.having(patterns.DIGIT_TRIGGER)
        if "iban" in kinds:
            for index, base, _, match in numeric.matches(patterns.IBAN):
                if validators.is_iban(match.group()):
                    yield index, match.start() - base, match.end() - base, "iban", "iban:mod97"
        if "card" in kinds:
            for index, base, _, match in numeric.matches(patterns.CARD):
                if validators.is_card(match.group()):
                    yield index, match.start() - base, match.end() - base, "card", "card:luhn"
        if "ssn" in kinds:
            for index, base, _, match in numeric.matches(patterns.SSN):
                if validators.is_ssn(match.group()):
                    yield index, match.start() - base, match.end() - base, "ssn", "ssn:pattern"
            for index, base, _, match in numeric.matches(patterns.SSN_SPACED):
                if validators.is_ssn(match.group(1)):
                    yield index, match.start(1) - base, match.end(1) - base, "ssn", "ssn:context"
        if "ip" in kinds:
            for index, base, end, match in numeric.matches(patterns.IPV4):
                # The context words are looked for within the candidate's own text.
                text = match.string
                before = text[max(base, match.start() - CONTEXT_WIDTH):match.start()]
                after = text[match.end():min(end, match.end() + CONTEXT_WIDTH)]
                if validators.is_ipv4(match.group(), before, after):
                    yield index, match.start() - base, match.end() - base, "ip", "ip:v4"
            for index, base, _, match in numeric.matches(patterns.IPV6):
                if validators.is_ipv6(match.group()):
                    yield index, match.start() - base, match.end() - base, "ip", "ip:v6"
        if "phone" in kinds:
            for index, base, _, match in numeric.matches(patterns.PHONE):
                candidate = match.group()
                # Fewer than 7 characters hold fewer than 7 digits, never a phone number.
                if len(candidate) < 7:
                    continue
                before = match.string[max(base, match.start() - CONTEXT_WIDTH):match.start()]
                length = validators.phone_span(candidate, before, self.regions)
                if length:
                    yield index, match.start() - base, match.start() - base + length, "phone", "phone:number"
        if "address" in kinds:
            for index, base, _, match in numeric.matches(patterns.ADDRESS):
                yield index, match.start() - base, match.end() - base, "address", "address:street"


def _start_offsets(texts: list[str]) -> list[int]:
    """Return where each text starts in the texts joined by one separator character."""
    # The start of text i is the length of the texts before it plus i separators, summed
    # by C iterators instead of a Python loop over every message.
    lengths_before = accumulate(map(len, texts), initial=0)
    return list(map(add, lengths_before, range(len(texts))))


class _Scan:
    """The joined text of one batch and the start offset of each text in it."""

    def __init__(self, joined: str, starts: list[int]) -> None:
        self.joined = joined
        self.starts = starts
        self._lowercase: str | None = None

    def having(self, *triggers: re.Pattern[str], lowercase: bool = False) -> _Subset:
        """Return the texts where any of `triggers` matches, in order."""
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
        starts = self.starts
        found: set[int] = set()
        for trigger in triggers:
            # The match runs on to the end of the text, so each text yields one match
            # however often the trigger occurs in it (most texts with a digit have several).
            to_text_end = re.compile(f"(?:{trigger.pattern})[^{SEPARATOR}]*", flags)
            found.update(bisect_right(starts, match.start()) - 1 for match in to_text_end.finditer(text))
        indices = sorted(found)

        last = len(starts) - 1
        joined = self.joined
        texts = [joined[starts[index]:starts[index + 1] - 1 if index < last else len(joined)] for index in indices]
        return _Subset(indices, SEPARATOR.join(texts), _start_offsets(texts))


@dataclass(slots=True)
class _Subset:
    """Some texts of a batch (`indices`), joined again so a pattern scans them in one call."""

    indices: list[int]
    joined: str
    starts: list[int]

    def matches(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, int, re.Match[str]]]:
        """Yield (text index, text start, text end, match) for `pattern` in these texts.

        The offsets are in `match.string`, the joined subset. No pattern matches the
        separator, and every lookaround treats it as the edge of the text, so each match
        lies within one text and is found as if the text were scanned alone.
        """
        joined = self.joined
        starts = self.starts
        last = len(starts) - 1
        for match in pattern.finditer(joined):
            position = bisect_right(starts, match.start()) - 1
            end = starts[position + 1] - 1 if position < last else len(joined)
            yield self.indices[position], starts[position], end, match
