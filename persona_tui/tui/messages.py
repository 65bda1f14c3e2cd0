"""Messages that cross tabs: a tab posts them to the app, which forwards them to every tab.

They do not bubble, so a forwarded copy never comes back up to the app.
"""

from __future__ import annotations

from textual.message import Message


class SamplesRebuilt(Message):
    """A build replaced the samples of the workspace."""

    bubble = False


class PersonaChanged(Message):
    """The user chose another author as the persona."""

    bubble = False
