"""Turning a streamed reply into whole messages as soon as each one is complete.

The Chat tab and `persona-tui chat` show a reply as the separate messages Discord will
get. A message is complete when its line ends; a fenced code block is held back until the
reply ends, because split_reply keeps it whole. The messages shown equal
split_reply(full reply) once `finish` has run.
"""

from __future__ import annotations

from persona_tui.chat.splitting import split_reply


class MessageAssembler:
    def __init__(self) -> None:
        self.text = ""
        self.emitted = 0          # characters of `text` already turned into messages

    def feed(self, delta: str) -> list[str]:
        """Add a text delta; return the messages it completed."""
        self.text += delta
        pending = self.text[self.emitted:]
        if "```" in pending:
            return []
        cut = pending.rfind("\n")
        if cut < 0:
            return []
        self.emitted += cut + 1
        return split_reply(pending[:cut + 1])

    def pending(self) -> str:
        """Return the text of the message still being written."""
        return self.text[self.emitted:]

    def finish(self) -> list[str]:
        """Return the messages left when the reply has ended."""
        rest = self.text[self.emitted:]
        self.emitted = len(self.text)
        return split_reply(rest)
