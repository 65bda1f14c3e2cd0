"""The model call the worker makes: the chosen model target through the chat client."""

from __future__ import annotations

from typing import Any

from persona_tui.bot.responder import Generate
from persona_tui.bot.settings import BotSettings


class BotConfigError(Exception):
    """A setting the worker cannot start with; the message names it and what to do."""


def make_generate(workspace: Any, settings: BotSettings) -> Generate:
    """Return the model call for the bot's model target."""
    if not settings.model_target:
        raise BotConfigError(
            "No model target is chosen for the bot. Choose one in the Bot tab, or set "
            "`model_target` in the `bot` setting, and start the bot again."
        )

    from persona_tui.chat.client import Sampling, complete_chat_async
    from persona_tui.chat.targets import TargetError, get_target
    from persona_tui.training.client import together_connection

    try:
        target = get_target(workspace, settings.model_target)
    except TargetError as error:
        raise BotConfigError(f"{error} Then choose it in the Bot tab.") from error
    sampling = Sampling()
    connection = together_connection(workspace) if target.kind != "openai" else {}

    async def generate(messages: list[dict[str, str]]) -> str:
        return await complete_chat_async(target, messages, sampling=sampling, **connection)

    return generate
