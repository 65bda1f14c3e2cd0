"""The dialog that requests the channel ids to fetch through the bot and shows what a bot can read."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

# Discord snowflakes are unsigned 64-bit integers.
MAX_SNOWFLAKE = (1 << 64) - 1

WHAT_A_BOT_CAN_READ = (
    "A bot reads only server channels and threads it is in, and the DMs people sent to the bot. "
    "It cannot read a person's private DMs with friends: import a DiscordChatExporter export "
    "or Discord's data package for those."
)

TOKEN_HOW_TO = (
    "No Discord bot token is set. Store one with `persona-tui keys set discord_bot_token`, "
    "the keys dialog (ctrl+k on the Train tab) or the DISCORD_BOT_TOKEN environment variable."
)


def parse_channel_ids(text: str) -> list[int]:
    """Parse channel ids separated by spaces or commas, or raise ValueError naming an invalid one."""
    ids: list[int] = []
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) <= MAX_SNOWFLAKE:
            raise ValueError(
                f"{part!r} is not a channel id. Enter the numeric id (Developer Mode, right-click "
                "the channel, Copy Channel ID)."
            )
        if int(part) not in ids:
            ids.append(int(part))
    if not ids:
        raise ValueError("Enter at least one channel id.")
    return ids


def describe_bot_token() -> tuple[str | None, str]:
    """Return the stored bot token (or None) and a line that shows it masked or explains how to set it."""
    from persona_tui.bot.bot_token import MissingTokenError, load_bot_token
    from persona_tui.secrets import SecretStoreError, mask

    try:
        token = load_bot_token()
    except MissingTokenError:
        return None, TOKEN_HOW_TO
    except SecretStoreError as error:
        return None, f"The bot token cannot be read: {error}"
    return token, f"Bot token: {mask(token)}"


class FetchDialog(ModalScreen[list[int] | None]):
    """A modal that requests channel ids and dismisses with them, or with None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="fetch-dialog-cancel")]

    DEFAULT_CSS = """
    FetchDialog { align: center middle; }
    FetchDialog > Vertical {
        width: 80; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FetchDialog .hint { color: $text-muted; width: 100%; }
    FetchDialog #fetch-error { color: $error; width: 100%; }
    """

    def compose(self) -> ComposeResult:
        token, token_line = describe_bot_token()
        self.has_token = token is not None
        with Vertical():
            yield Static(Text(WHAT_A_BOT_CAN_READ), classes="hint", id="fetch-scope")
            yield Static(Text(token_line), id="fetch-token")
            yield Input(placeholder="channel or thread ids, separated by spaces; Enter fetches",
                        id="fetch-channels", disabled=not self.has_token)
            yield Label("", id="fetch-error")

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = "Fetch through the bot"
        if self.has_token:
            self.query_one("#fetch-channels", Input).focus()

    @on(Input.Submitted, "#fetch-channels")
    def submit(self, event: Input.Submitted) -> None:
        try:
            channel_ids = parse_channel_ids(event.value)
        except ValueError as error:
            self.query_one("#fetch-error", Label).update(Text(str(error)))
            return
        self.dismiss(channel_ids)

    def action_cancel(self) -> None:
        self.dismiss(None)
