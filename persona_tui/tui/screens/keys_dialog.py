"""The keys dialog: where each secret comes from, masked, and a hidden field to store one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from persona_tui import secrets


def describe_secrets() -> str:
    lines = [f"Stored in: {secrets.describe_backend()}"]
    for name, variable in sorted(secrets.SECRET_NAMES.items()):
        source = secrets.secret_source(name)
        where = {"environment": f"from {variable}", "keyring": "stored"}.get(source or "", "not set")
        lines.append(f"{name}: {secrets.mask(secrets.get_secret(name))} ({where})")
    return "\n".join(lines)


class KeysDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close", id="keys-close")]

    DEFAULT_CSS = """
    KeysDialog { align: center middle; }
    KeysDialog > Vertical {
        width: 80; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(describe_secrets(), id="keys-status", markup=False)
            yield Select([(name, name) for name in sorted(secrets.SECRET_NAMES)], value="together_api_key",
                         allow_blank=False, id="keys-name")
            yield Input(placeholder="paste the value and press Enter (hidden)", password=True, id="keys-value")
            yield Static("", id="keys-message", markup=False)

    @on(Input.Submitted, "#keys-value")
    def store(self, event: Input.Submitted) -> None:
        name = str(self.query_one("#keys-name", Select).value)
        message = self.query_one("#keys-message", Static)
        try:
            secrets.set_secret(name, event.value)
        except secrets.SecretStoreError as error:
            message.update(str(error))
        else:
            message.update(f"Stored {name}.")
        event.input.value = ""
        self.query_one("#keys-status", Static).update(describe_secrets())
