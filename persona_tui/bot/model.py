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

    # TODO: switch to the chat client's API once the chat area lands; until then the import
    # fails and the worker reports it.
    try:
        from persona_tui.chat.client import Sampling, complete_chat_async
        from persona_tui.chat.targets import get_target
    except ImportError as error:
        raise BotConfigError(f"The chat client is not available in this build ({error}).") from error

    target = get_target(workspace, settings.model_target)
    if target is None:
        raise BotConfigError(
            f"The model target {settings.model_target!r} was not found. Choose another in the Bot tab."
        )
    sampling = Sampling()

    async def generate(messages: list[dict[str, str]]) -> str:
        return await complete_chat_async(target, messages, sampling=sampling)

    return generate
