"""Messages that cross tabs: a tab posts them to the app, which forwards them to every tab.

They do not bubble (set in the class keywords, because Message.__init_subclass__ resets a
`bubble` class attribute), so a forwarded copy never comes back up to the app.
"""

from __future__ import annotations

from textual.message import Message


class SamplesRebuilt(Message, bubble=False):
    """A build replaced the samples of the workspace."""


class PersonaChanged(Message, bubble=False):
    """The user chose another author as the persona."""
