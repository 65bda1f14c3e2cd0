"""Training samples: a conversation window turned into alternating user and assistant turns.

A sample holds its turns without the system prompt; the dataset writer adds the prompt in
front, so changing the prompt does not change any sample or its review decision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

# The fixed placeholders redaction writes, one per kind of personal data.
PLACEHOLDERS: dict[str, str] = {
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "address": "[ADDRESS]",
    "card": "[CARD]",
    "iban": "[IBAN]",
    "ip": "[IP]",
    "ssn": "[SSN]",
    "url": "[URL]",
    "invite": "[INVITE]",
    "secret": "[SECRET]",
}


@dataclass(slots=True)
class Redaction:
    """One redacted span of a turn, in code-point offsets.

    `start`/`end` index the turn's `original` text and `redacted_start`/`redacted_end`
    index its `content`, where the span is the placeholder.
    """

    start: int
    end: int
    redacted_start: int
    redacted_end: int
    kind: str            # a key of PLACEHOLDERS
    rule: str            # which detector found it, e.g. 'phone:phonenumbers', 'user:exact'

    def to_json(self) -> list[Any]:
        return [self.start, self.end, self.redacted_start, self.redacted_end, self.kind, self.rule]

    @classmethod
    def from_json(cls, value: list[Any]) -> Redaction:
        return cls(*value)


@dataclass(slots=True)
class Turn:
    """One speaker's merged messages: `content` is what is trained on, `original` the text
    before redaction (after markup normalisation)."""

    role: str                          # 'user' or 'assistant'
    content: str
    original: str
    author_id: int
    message_ids: list[int] = field(default_factory=list)
    redactions: list[Redaction] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "content": self.content,
            "original": self.original,
            "author_id": self.author_id,
            "message_ids": self.message_ids,
            "redactions": [redaction.to_json() for redaction in self.redactions],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Turn:
        return cls(
            role=value["role"],
            content=value["content"],
            original=value["original"],
            author_id=value["author_id"],
            message_ids=list(value["message_ids"]),
            redactions=[Redaction.from_json(item) for item in value["redactions"]],
        )


@dataclass(slots=True)
class Sample:
    """A training sample as built from the history; review state lives in `reviews`."""

    key: str
    channel_id: int
    started_ms: int
    ended_ms: int
    turns: list[Turn]
    split: str = "train"

    @property
    def redaction_count(self) -> int:
        return sum(len(turn.redactions) for turn in self.turns)

    def preview(self, width: int = 80) -> str:
        text = " ".join(self.turns[0].content.split()) if self.turns else ""
        return text[:width]


def turns_to_json(turns: list[Turn]) -> bytes:
    if any(turn.redactions for turn in turns):
        return orjson.dumps([turn.to_json() for turn in turns])
    # orjson writes a dataclass as an object of its fields in declaration order, which is
    # the shape of Turn.to_json except for redactions (objects instead of lists). Without
    # redactions the bytes are the same, and orjson makes them without a dict per turn.
    return orjson.dumps(turns)


def turns_from_json(data: bytes | str) -> list[Turn]:
    return [Turn.from_json(item) for item in orjson.loads(data)]


def sample_key(channel_id: int, turns: list[Turn]) -> str:
    """Return a key that stays the same exactly while the sample's trained text does.

    It hashes the channel, the message ids and the role and redacted content of each
    turn, so a rebuild with other settings keeps the key (and the review decision) of
    every sample whose text came out the same.
    """
    # One string encoded and hashed at once gives the same digest as hashing the pieces
    # one by one (UTF-8 encodes each piece alike), with far fewer calls.
    pieces = [str(channel_id)]
    for turn in turns:
        pieces.append(f"\x1e{turn.role}\x1f{','.join(map(str, turn.message_ids))}\x1f{turn.content}")
    return hashlib.blake2b("".join(pieces).encode(), digest_size=12).hexdigest()
