"""The billing line shown while a dedicated endpoint of this workspace is up.

It reads the workspace's endpoint targets every REFRESH_SECONDS (no network call). While
one is running it also requests the endpoints' states from Together in a worker thread,
so an endpoint that Together stopped after its inactivity timeout is no longer reported.
"""

from __future__ import annotations

import logging

from textual import on, work
from textual.message import Message
from textual.widgets import Static

from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# The text counts whole minutes, so a refresh every 30 s keeps it at most one minute behind.
REFRESH_SECONDS = 30.0


class EndpointWarningBar(Static):
    """One line with each running endpoint's time up and cost so far; hidden when none runs."""

    class StatesChecked(Message):
        """Together's endpoint states are now stored in the workspace, so the bar can redraw."""

    DEFAULT_CSS = """
    EndpointWarningBar { height: auto; color: $warning; background: $warning 15%; padding: 0 1; }
    """

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.workspace = workspace
        self.failed_checks = 0

    def on_mount(self) -> None:
        self.show_warning()
        self.set_interval(REFRESH_SECONDS, self.refresh_warning)
        # A dialog or the Serve screen may have started or stopped an endpoint meanwhile.
        self.app.screen_change_signal.subscribe(self, self.screen_changed)

    def screen_changed(self, screen) -> None:
        if screen is self.screen:
            self.show_warning()

    def show_warning(self) -> None:
        """Redraw from the workspace's records alone."""
        from persona_tui.training.serving import endpoint_warning

        text = endpoint_warning(self.workspace) or ""
        self.update(text)
        self.display = bool(text)

    def refresh_warning(self) -> None:
        """Redraw now, then check with Together whether the running endpoints still run."""
        from persona_tui.training.serving import running_endpoints

        self.show_warning()
        if running_endpoints(self.workspace):
            self.check_states()

    @work(thread=True, exclusive=True, group="endpoint-warning", exit_on_error=False)
    def check_states(self) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.serving import refresh_endpoint_states

        try:
            refresh_endpoint_states(self.workspace, make_client(self.workspace))
        except Exception as error:  # noqa: BLE001 - a failed check must not end the app
            # Logged once per run of failures, because the check repeats every 30 s.
            self.failed_checks += 1
            if self.failed_checks == 1:
                log.warning("checking endpoint states failed: %s: %s", type(error).__name__, error)
            return
        if self.failed_checks:
            log.info("checking endpoint states works again after %d failures", self.failed_checks)
        self.failed_checks = 0
        self.post_message(self.StatesChecked())

    @on(StatesChecked)
    def redraw_after_check(self) -> None:
        self.show_warning()
