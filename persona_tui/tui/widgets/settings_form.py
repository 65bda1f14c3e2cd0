"""The pipeline settings as a form: one row per setting, generated from its description.

Booleans are checkboxes; numbers, text and lists are inputs (lists comma-separated, and
the exact strings to redact as KIND:TEXT pairs).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label


def format_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(":".join(item) if isinstance(item, list) else str(item) for item in value)
    return "" if value is None else str(value)


# Settings whose value is a list of [KIND, TEXT] pairs, typed as KIND:TEXT.
PAIR_SETTINGS = {"redact_exact"}


def parse_value(text: str, default: Any, *, pairs: bool = False) -> Any:
    """Parse the text of an input into the type of the setting's default.

    Raises ValueError with the text when it is not a number where one is expected.
    """
    text = text.strip()
    if isinstance(default, bool):
        return text.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    if isinstance(default, list):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if pairs:
            return [item.split(":", 1) for item in items]
        return items
    return text


class SettingsForm(Vertical):
    """Rows for the pipeline settings, except the persona, which the authors list sets."""

    DEFAULT_CSS = """
    SettingsForm { height: auto; }
    SettingsForm .setting-label { color: $text-muted; margin-top: 1; width: 100%; }
    SettingsForm Checkbox { width: 100%; }
    SettingsForm Input { width: 100%; }
    """

    SKIPPED = {"persona_author_id"}

    def __init__(self, fields: list, values: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields = [item for item in fields if item.name not in self.SKIPPED]
        self.values = values

    def compose(self) -> ComposeResult:
        for item in self.fields:
            value = getattr(self.values, item.name)
            unit = f" ({item.unit})" if item.unit else ""
            if isinstance(item.default, bool):
                yield Checkbox(Text(f"{item.name}: {item.description}"), value, id=f"setting-{item.name}")
            else:
                yield Label(Text(f"{item.name}: {item.description}{unit}"), classes="setting-label")
                yield Input(format_value(value), id=f"setting-{item.name}")

    def read_values(self) -> dict[str, Any]:
        """Return the form's values by setting name; raise ValueError naming a bad field."""
        values = {}
        for item in self.fields:
            widget = self.query_one(f"#setting-{item.name}")
            if isinstance(widget, Checkbox):
                values[item.name] = widget.value
                continue
            try:
                values[item.name] = parse_value(widget.value, item.default, pairs=item.name in PAIR_SETTINGS)
            except ValueError as error:
                raise ValueError(f"The setting {item.name} is not valid ({widget.value!r}): {error}.") from error
        return values
