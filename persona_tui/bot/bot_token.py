"""The Discord bot token, from the secrets store."""

from __future__ import annotations

import os


class MissingTokenError(Exception):
    pass


def load_bot_token() -> str:
    """Return the bot token: the DISCORD_BOT_TOKEN environment variable first, then the
    secrets store."""
    token = os.environ.get("DISCORD_BOT_TOKEN")
    if not token:
        # TODO: rely on persona_tui.secrets alone once it lands (it reads the variable first too).
        try:
            from persona_tui.secrets import get_secret
        except ImportError:
            get_secret = None
        if get_secret is not None:
            token = get_secret("discord_bot_token")
    if not token:
        raise MissingTokenError(
            "No Discord bot token is set. Store one with the secrets step or set "
            "DISCORD_BOT_TOKEN, then start the bot again."
        )
    return token.strip()
