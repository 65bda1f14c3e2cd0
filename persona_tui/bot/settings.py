"""The bot's behaviour settings, stored as one JSON object under the workspace setting `bot`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SETTING_KEY = "bot"

# Used when the pipeline has no `gap_minutes` setting yet: the same default silence that
# starts a new conversation window in training samples.
DEFAULT_GAP_MINUTES = 60.0


@dataclass(slots=True)
class BotSettings:
    # Who may be answered. The allowlist is empty by default, so a new bot answers nobody
    # until the owner adds user ids or switches `allow_everyone` on.
    allowed_user_ids: list[int] = field(default_factory=list)
    allow_everyone: bool = False
    answer_mentions: bool = False
    mention_channel_ids: list[int] = field(default_factory=list)

    # Texting rhythm, in seconds.
    debounce_seconds: float = 4.0          # silence from the user before the bot answers
    delay_min_seconds: float = 1.0         # random delay before typing starts
    delay_max_seconds: float = 3.0
    pause_between_messages_seconds: float = 0.8

    # Limits against runaway cost and abuse.
    replies_per_user_per_hour: int = 30
    model_calls_per_day: int = 500
    max_reply_chars: int = 1500
    model_timeout_seconds: float = 60.0
    fallback_reply: str = ""               # sent when the model fails; empty sends nothing

    # The model.
    model_target: str | None = None        # a model target name from the Chat tab
    system_prompt: str = "You are texting a friend on Discord."
    max_history_turns: int = 40

    def validate(self) -> list[str]:
        """Return a message for every invalid value, empty when the settings are usable."""
        problems = []
        if self.delay_min_seconds < 0 or self.delay_max_seconds < self.delay_min_seconds:
            problems.append(
                f"delay range {self.delay_min_seconds}-{self.delay_max_seconds} s is invalid: "
                "the minimum must be at least 0 and at most the maximum"
            )
        for name in ("debounce_seconds", "pause_between_messages_seconds", "model_timeout_seconds"):
            if getattr(self, name) < 0:
                problems.append(f"{name} is {getattr(self, name)}, it must be at least 0")
        for name in ("replies_per_user_per_hour", "model_calls_per_day", "max_reply_chars", "max_history_turns"):
            if getattr(self, name) < 1:
                problems.append(f"{name} is {getattr(self, name)}, it must be at least 1")
        return problems


def load_bot_settings(workspace: Any) -> BotSettings:
    """Read the `bot` setting, keeping defaults for keys it lacks and ignoring unknown keys,
    so settings written by an older or newer version still load."""
    stored = workspace.get_setting(SETTING_KEY, {}) or {}
    known = {item.name for item in dataclasses.fields(BotSettings)}
    settings = BotSettings(**{key: value for key, value in stored.items() if key in known})
    settings.allowed_user_ids = [int(user_id) for user_id in settings.allowed_user_ids]
    settings.mention_channel_ids = [int(channel_id) for channel_id in settings.mention_channel_ids]
    return settings


def save_bot_settings(workspace: Any, settings: BotSettings) -> None:
    problems = settings.validate()
    if problems:
        raise ValueError("Invalid bot settings: " + "; ".join(problems))
    workspace.set_setting(SETTING_KEY, dataclasses.asdict(settings))


def conversation_gap_minutes(workspace: Any) -> float:
    """Return the silence that starts a new conversation window, shared with the pipeline."""
    # NOTE: assumes the pipeline stores its settings as a JSON object under `pipeline` with
    # a `gap_minutes` key; falls back to the pipeline's documented default otherwise.
    pipeline = workspace.get_setting("pipeline", {}) or {}
    return float(pipeline.get("gap_minutes", DEFAULT_GAP_MINUTES))
