"""The Bot tab: start and stop the Discord bot worker, watch it, and edit how it behaves."""

from __future__ import annotations

import logging

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Log, Select, Static

from persona_tui.bot.kill_switch import kill_switch_on, set_kill_switch
from persona_tui.bot.log_tail import LogTail
from persona_tui.bot.paths import BotPaths
from persona_tui.bot.settings import BotSettings, load_bot_settings, save_bot_settings
from persona_tui.bot.status import BotStatus
from persona_tui.bot.supervisor import current_status, start_detached, stop_worker
from persona_tui.tui.leave_field import is_editing, leave_field_binding
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

REFRESH_SECONDS = 1.0


def parse_ids(text: str) -> list[int]:
    """Parse comma- or space-separated Discord ids; raise ValueError naming a bad one."""
    ids = []
    for part in text.replace(",", " ").split():
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a Discord id (a number like 123456789012345678)")
        ids.append(int(part))
    return ids


def describe_status(status: BotStatus) -> str:
    lines = [
        f"state         {status.state}" + ("  (kill switch on)" if status.kill_switch else ""),
        f"connected as  {status.connected_as or '-'}",
        f"since         {status.since or '-'}",
        f"replies sent  {status.replies_sent}   model calls {status.model_calls}   reconnects {status.reconnects}",
        f"last error    {status.last_error or '-'}",
    ]
    return "\n".join(lines)


class BotTab(Widget):
    """Start, stop and watch the worker; the settings take effect at its next start."""

    DEFAULT_CSS = """
    BotTab { layout: horizontal; height: 1fr; }
    BotTab #bot-left { width: 1fr; min-width: 50; padding: 0 1; }
    BotTab #bot-log { width: 1fr; border: round $panel; }
    BotTab #bot-status { border: round $panel; padding: 0 1; height: auto; }
    BotTab .bot-buttons { height: auto; }
    BotTab .bot-buttons Button { margin-right: 1; min-width: 0; }
    BotTab Label { margin-top: 1; width: 100%; }
    BotTab #bot-left:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save_settings", "Save settings", id="bot-save"),
        Binding("f5", "start_worker", "Start bot", id="bot-start"),
        Binding("f6", "stop_worker", "Stop bot", id="bot-stop"),
        Binding("f7", "toggle_kill_switch", "Kill switch", id="bot-kill-switch"),
        leave_field_binding("bot"),
    ]

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.paths = BotPaths(workspace.bot_dir)
        self.log_tail = LogTail(self.paths.log_file)

    def compose(self) -> ComposeResult:
        settings = load_bot_settings(self.workspace)
        with VerticalScroll(id="bot-left"):
            yield Static(describe_status(current_status(self.paths)), id="bot-status")
            with Horizontal(classes="bot-buttons"):
                yield Button("Start F5", id="bot-start-button", variant="success")
                yield Button("Stop F6", id="bot-stop-button", variant="error")
                yield Button("Kill switch F7", id="bot-kill-button", variant="warning")
            yield Static("", id="bot-message")

            yield Label("Allowed user ids (comma-separated; empty answers nobody)")
            yield Input(", ".join(map(str, settings.allowed_user_ids)), id="bot-allowlist")
            yield Checkbox("Allow everyone", settings.allow_everyone, id="bot-allow-everyone")
            yield Checkbox("Answer mentions in the channels below", settings.answer_mentions, id="bot-mentions")
            yield Input(", ".join(map(str, settings.mention_channel_ids)), placeholder="channel ids", id="bot-mention-channels")

            yield Label("Model target")
            yield Select(self.model_target_options(settings), value=settings.model_target or Select.NULL,
                         allow_blank=True, id="bot-model-target")
            yield Label("System prompt")
            yield Input(settings.system_prompt, id="bot-system-prompt")

            # One field per line: at 80 or 130 columns a row of several inputs showed only
            # the first, and Tab moved the cursor into inputs that were off screen.
            yield Label("Wait for silence before replying (s)")
            yield Input(f"{settings.debounce_seconds:g}", id="bot-debounce", type="number")
            yield Label("Minimum delay before a reply (s)")
            yield Input(f"{settings.delay_min_seconds:g}", id="bot-delay-min", type="number")
            yield Label("Maximum delay before a reply (s)")
            yield Input(f"{settings.delay_max_seconds:g}", id="bot-delay-max", type="number")
            yield Label("Pause between the messages of a reply (s)")
            yield Input(f"{settings.pause_between_messages_seconds:g}", id="bot-pause", type="number")
            yield Label("Replies per user per hour")
            yield Input(str(settings.replies_per_user_per_hour), id="bot-rate", type="integer")
            yield Label("Model calls per day")
            yield Input(str(settings.model_calls_per_day), id="bot-daily-cap", type="integer")
            yield Label("Maximum reply length (characters)")
            yield Input(str(settings.max_reply_chars), id="bot-max-chars", type="integer")
            yield Label("Reply when the model fails (empty sends nothing)")
            yield Input(settings.fallback_reply, id="bot-fallback")
            yield Button("Save settings [Ctrl+S]", id="bot-save-button")
        with Vertical(id="bot-log"):
            yield Log(max_lines=2000, id="bot-log-view")

    def model_target_options(self, settings: BotSettings) -> list[tuple[str, str]]:
        names = [row[0] for row in self.workspace.db.execute("SELECT name FROM model_targets ORDER BY name")]
        if settings.model_target and settings.model_target not in names:
            names.append(settings.model_target)
        return [(name, name) for name in names]

    def on_show(self) -> None:
        self.refresh_model_targets()

    def refresh_model_targets(self) -> None:
        """Read the model targets again, because the Chat tab and the Serve screen add
        targets while this tab is hidden. The chosen target is kept."""
        select = self.query_one("#bot-model-target", Select)
        chosen = select.value
        options = self.model_target_options(load_bot_settings(self.workspace))
        names = {name for _, name in options}
        if isinstance(chosen, str) and chosen not in names:
            options.append((chosen, chosen))
        select.set_options(options)
        if isinstance(chosen, str):
            select.value = chosen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return is_editing(self.app)
        return True

    def action_leave_field(self) -> None:
        self.query_one("#bot-left", VerticalScroll).focus()

    def on_mount(self) -> None:
        # A worker started earlier, from this app or the CLI, shows up on the first refresh.
        self.refresh_status()
        self.refresh_timer = self.set_interval(REFRESH_SECONDS, self.refresh_status, pause=True)

    # The status and the log are read only while the tab is visible.

    def on_show(self) -> None:
        self.refresh_status()
        self.refresh_timer.resume()

    def on_hide(self) -> None:
        self.refresh_timer.pause()

    def refresh_status(self) -> None:
        status = current_status(self.paths)
        status.kill_switch = kill_switch_on(self.paths.kill_switch_file)
        self.query_one("#bot-status", Static).update(describe_status(status))
        lines = self.log_tail.read_new_lines()
        if lines:
            self.query_one("#bot-log-view", Log).write_lines(lines)

    def show_message(self, text: str) -> None:
        self.query_one("#bot-message", Static).update(text)

    # Actions ----------------------------------------------------------------------------

    @on(Button.Pressed, "#bot-start-button")
    def action_start_worker(self) -> None:
        self.show_message("Starting the bot worker…")
        self.start_in_background()

    @work(thread=True, exclusive=True, group="bot-supervisor")
    def start_in_background(self) -> None:
        try:
            result = start_detached(self.workspace.root)
        except RuntimeError as error:
            log.warning("starting the bot worker failed: %s", error)
            self.app.call_from_thread(self.show_message, str(error))
        else:
            text = f"Already running (pid {result.pid})." if result.already_running else f"Started (pid {result.pid})."
            self.app.call_from_thread(self.show_message, text)
        self.app.call_from_thread(self.refresh_status)

    @on(Button.Pressed, "#bot-stop-button")
    def action_stop_worker(self) -> None:
        self.show_message("Stopping the bot worker…")
        self.stop_in_background()

    @work(thread=True, exclusive=True, group="bot-supervisor")
    def stop_in_background(self) -> None:
        pid = stop_worker(self.workspace.root)
        text = "No bot worker was running." if pid is None else f"Stopped (pid {pid})."
        self.app.call_from_thread(self.show_message, text)
        self.app.call_from_thread(self.refresh_status)

    @on(Button.Pressed, "#bot-kill-button")
    def action_toggle_kill_switch(self) -> None:
        switched_on = not kill_switch_on(self.paths.kill_switch_file)
        set_kill_switch(self.paths.kill_switch_file, switched_on)
        log.warning("kill switch turned %s from the Bot tab", "on" if switched_on else "off")
        self.show_message(
            "Kill switch ON: the worker stops sending within a second." if switched_on else "Kill switch off."
        )
        self.refresh_status()

    @on(Button.Pressed, "#bot-save-button")
    def action_save_settings(self) -> None:
        try:
            settings = self.read_form()
            save_bot_settings(self.workspace, settings)
        except ValueError as error:
            self.show_message(f"Not saved: {error}")
            return
        self.show_message("Saved. A running worker uses the new settings after a restart (F6, then F5).")

    def read_form(self) -> BotSettings:
        """Return the stored settings updated from the form; raise ValueError naming a bad field."""
        settings = load_bot_settings(self.workspace)
        value = lambda widget_id: self.query_one(widget_id, Input).value.strip()  # noqa: E731

        settings.allowed_user_ids = parse_ids(value("#bot-allowlist"))
        settings.allow_everyone = self.query_one("#bot-allow-everyone", Checkbox).value
        settings.answer_mentions = self.query_one("#bot-mentions", Checkbox).value
        settings.mention_channel_ids = parse_ids(value("#bot-mention-channels"))
        target = self.query_one("#bot-model-target", Select).value
        settings.model_target = None if target is Select.NULL else str(target)
        settings.system_prompt = value("#bot-system-prompt")
        settings.fallback_reply = value("#bot-fallback")

        numbers = {
            "debounce_seconds": ("#bot-debounce", float),
            "delay_min_seconds": ("#bot-delay-min", float),
            "delay_max_seconds": ("#bot-delay-max", float),
            "pause_between_messages_seconds": ("#bot-pause", float),
            "replies_per_user_per_hour": ("#bot-rate", int),
            "model_calls_per_day": ("#bot-daily-cap", int),
            "max_reply_chars": ("#bot-max-chars", int),
        }
        for name, (widget_id, kind) in numbers.items():
            try:
                setattr(settings, name, kind(value(widget_id)))
            except ValueError:
                raise ValueError(f"{name.replace('_', ' ')} is {value(widget_id)!r}, expected a number") from None
        return settings
