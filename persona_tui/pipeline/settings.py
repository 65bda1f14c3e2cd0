"""The preparation settings: every cleaning, redaction and sampling rule, with its default.

The settings live in the workspace under one key, so the CLI, the TUI and a rebuild all
use the same values. Each field carries a description with its unit; the CLI help and the
TUI settings form both read it through `setting_fields()`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from persona_tui.pipeline.sample import PLACEHOLDERS
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

SETTINGS_KEY = "pipeline"

# Discord ids are snowflakes: positive and within a signed 64-bit integer, which is also
# the largest integer SQLite and orjson store.
MAX_SNOWFLAKE = 2**63 - 1

# The accepted sample budget, in estimated tokens. The upper bound only catches typing
# mistakes and values too large to store; it is not any model's context length.
MIN_TOKENS_PER_SAMPLE = 64
MAX_TOKENS_PER_SAMPLE = 1_000_000

DEFAULT_SYSTEM_PROMPT = (
    "You are texting a friend on Discord. Reply the way you always do: same length, "
    "same tone, same habits."
)


def _describe(text: str, unit: str = "") -> dict[str, str]:
    return {"description": text, "unit": unit}


@dataclass(slots=True)
class PipelineSettings:
    """The rules `build_samples` applies, each with its default."""

    persona_author_id: int | None = field(default=None, metadata=_describe(
        "the author whose messages become assistant turns (see `persona-tui authors`)", "snowflake id"))

    # Filters.
    keep_types: list[str] = field(default_factory=lambda: ["Default", "Reply", "0", "19"], metadata=_describe(
        "message types to keep; every other named or numeric type is dropped", "DCE type names or numbers"))
    drop_bots: bool = field(default=True, metadata=_describe("drop messages whose author is a bot"))
    drop_interactions: bool = field(default=True, metadata=_describe(
        "drop slash-command responses (messages with an interaction)"))
    drop_commands: bool = field(default=True, metadata=_describe(
        "drop bot commands: messages starting with one of the command prefixes and a letter"))
    command_prefixes: str = field(default="!/", metadata=_describe(
        "characters that start a bot command", "characters"))
    drop_empty: bool = field(default=True, metadata=_describe(
        "drop messages with no text, attachment, embed or sticker"))
    drop_url_only: bool = field(default=True, metadata=_describe("drop messages whose text is only links"))
    drop_embed_only: bool = field(default=True, metadata=_describe("drop messages with no text and an embed"))
    drop_sticker_only: bool = field(default=True, metadata=_describe(
        "drop messages with no text and a sticker"))
    drop_attachment_only: bool = field(default=True, metadata=_describe(
        "drop messages with no text and an attachment"))

    # Markup.
    normalise_markup: bool = field(default=True, metadata=_describe(
        "rewrite custom emoji, mentions and timestamps into readable text"))

    # Redaction.
    redact_kinds: list[str] = field(default_factory=lambda: list(PLACEHOLDERS), metadata=_describe(
        "kinds of personal data to replace with a placeholder", "kinds: " + ", ".join(PLACEHOLDERS)))
    redact_exact: list[list[str]] = field(default_factory=list, metadata=_describe(
        "your own strings to always redact, as KIND:TEXT pairs (case-insensitive match)", "KIND:TEXT"))
    phone_regions: list[str] = field(default_factory=lambda: ["US"], metadata=_describe(
        "regions whose national numbers count as phone numbers without a '+' prefix",
        "ISO 3166 region codes"))

    # Conversation windows and samples.
    gap_minutes: float = field(default=60.0, metadata=_describe(
        "a silence this long starts a new conversation window", "minutes"))
    group_name_prefix: bool = field(default=True, metadata=_describe(
        "in group chats, start each user message with the speaker's name"))
    max_tokens_per_sample: int = field(default=4096, metadata=_describe(
        "split a conversation window into several samples above this size, system prompt included",
        "estimated tokens"))
    system_prompt: str = field(default=DEFAULT_SYSTEM_PROMPT, metadata=_describe(
        "the system message written first in every dataset line (empty for none)", "text"))
    validation_share: float = field(default=0.1, metadata=_describe(
        "share of samples that go to the validation file", "fraction 0-1"))

    def validate(self) -> list[str]:
        """Return what is wrong with the values, one sentence per problem."""
        problems = []
        persona = self.persona_author_id
        if persona is not None and (isinstance(persona, bool) or not isinstance(persona, int)
                                    or not 1 <= persona <= MAX_SNOWFLAKE):
            problems.append(f"persona_author_id is {persona!r}; it must be an author id (a snowflake from 1 "
                            f"to {MAX_SNOWFLAKE}). `persona-tui authors` lists the ids.")

        if not _is_finite_number(self.gap_minutes):
            problems.append(f"gap_minutes is {self.gap_minutes!r}; it must be a finite number of minutes above 0.")
        elif self.gap_minutes <= 0:
            problems.append(f"gap_minutes is {self.gap_minutes}; it must be above 0 minutes.")
        if not _is_finite_number(self.validation_share):
            problems.append(f"validation_share is {self.validation_share!r}; it must be a finite number in [0, 1).")
        elif not 0 <= self.validation_share < 1:
            problems.append(f"validation_share is {self.validation_share}; it must be in [0, 1).")

        tokens = self.max_tokens_per_sample
        if isinstance(tokens, bool) or not isinstance(tokens, int) \
                or not MIN_TOKENS_PER_SAMPLE <= tokens <= MAX_TOKENS_PER_SAMPLE:
            problems.append(f"max_tokens_per_sample is {tokens!r}; it must be a whole number from "
                            f"{MIN_TOKENS_PER_SAMPLE} to {MAX_TOKENS_PER_SAMPLE:,}.")

        if not self.keep_types:
            problems.append("keep_types is empty, so every message would be dropped; name at least one "
                            "message type, e.g. Default,Reply,0,19.")
        problems.extend(_region_problems(self.phone_regions))

        unknown = sorted(set(self.redact_kinds) - set(PLACEHOLDERS))
        if unknown:
            problems.append(f"redact_kinds has unknown kinds {unknown}; choose from {list(PLACEHOLDERS)}.")
        for pair in self.redact_exact:
            if len(pair) != 2 or pair[0] not in PLACEHOLDERS or not pair[1].strip():
                problems.append(f"redact_exact entry {pair!r} must be [KIND, TEXT] with KIND one of {list(PLACEHOLDERS)}.")
        return problems


def _is_finite_number(value: object) -> bool:
    # NaN fails every comparison, so `nan <= 0` would pass a range check, and JSON stores
    # NaN and infinity as null.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _region_problems(regions: list[str]) -> list[str]:
    import phonenumbers

    if any(not region.strip() for region in regions):
        return [f"phone_regions {regions!r} has an empty entry; write region codes separated by commas, e.g. US,GB."]
    unknown = [region for region in regions if region not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        return [f"phone_regions has unknown region codes {unknown}; use two-letter ISO 3166 codes that "
                "the phonenumbers library supports, in capitals, e.g. US,GB,DE."]
    return []


@dataclass(frozen=True, slots=True)
class SettingField:
    """One setting as the CLI and the settings form present it."""

    name: str
    description: str
    unit: str
    default: Any


def setting_fields() -> list[SettingField]:
    """Return every setting with its description, unit and default, in declaration order."""
    defaults = PipelineSettings()
    return [
        SettingField(item.name, item.metadata["description"], item.metadata["unit"], getattr(defaults, item.name))
        for item in dataclasses.fields(PipelineSettings)
    ]


def settings_from_dict(values: dict[str, Any]) -> PipelineSettings:
    """Build settings from stored JSON, ignoring keys this version does not know."""
    known = {item.name for item in dataclasses.fields(PipelineSettings)}
    ignored = sorted(set(values) - known)
    if ignored:
        log.warning("ignoring unknown pipeline settings %s", ignored)
    return PipelineSettings(**{key: value for key, value in values.items() if key in known})


def load_settings(workspace: Workspace) -> PipelineSettings:
    """Return the workspace's pipeline settings (the defaults when none are stored)."""
    return settings_from_dict(workspace.get_setting(SETTINGS_KEY, {}))


def persona_name(workspace: Workspace) -> str | None:
    """Return the display name (or, without one, the user name) of the persona in the stored
    pipeline settings, or None when no persona is chosen or the author is not stored."""
    persona_id = load_settings(workspace).persona_author_id
    if persona_id is None:
        return None
    row = workspace.db.execute(
        "SELECT coalesce(display_name, name) FROM authors WHERE id = ?", (persona_id,)).fetchone()
    return row[0] if row else None


def save_settings(workspace: Workspace, settings: PipelineSettings) -> None:
    """Store the settings, or raise ValueError when a value is invalid."""
    problems = settings.validate()
    if problems:
        raise ValueError(" ".join(problems))
    with workspace.transaction():
        workspace.set_setting(SETTINGS_KEY, dataclasses.asdict(settings))
