"""Esc in a text field of a tab: move focus out of the field, so the tab's keys and the
digit keys that switch tabs reach the tab again instead of being typed into the field."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.widgets import Input, TextArea


def leave_field_binding(tab_id: str) -> Binding:
    """Return the Esc binding of a tab. The tab's `check_action` shows it only in a field."""
    return Binding("escape", "leave_field", "Leave the field", id=f"{tab_id}-leave-field", key_display="esc")


def is_editing(app: App) -> bool:
    """Return True when a text field (an Input or a TextArea) has keyboard focus."""
    return isinstance(app.focused, (Input, TextArea))
