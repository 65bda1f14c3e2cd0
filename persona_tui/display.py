"""Making untrusted text (message content, author names, file names) safe to print.

Exports are written by other people. A control character in a message or a name would
otherwise reach the terminal as-is: ESC sequences can retitle the window, clear the screen
or plant hyperlinks, and Rich would read `[bold]` or `[link=...]` in a name as markup.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F), which
# some terminals also act on.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return `text` with every control character except tab and newline shown as a
    visible `\\xNN` escape, so printing it cannot drive the terminal."""
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def plain_text(text: str, style: str = "") -> Text:
    """Return untrusted `text` as a Rich Text: printable, and never parsed as markup."""
    return Text(printable(text), style=style)
