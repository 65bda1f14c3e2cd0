"""The Chat tab: the tuned target and a prompted base model answer the same message side by side.

Each reply streams in a worker thread that posts messages; the widget only renders them,
so the tab never freezes while a model answers. Replies show as the separate messages
Discord will get (split_reply), and every exchange is saved in the workspace.

The target lists are read again whenever the app comes back to this screen (after the
Serve screen or the add-target dialog), whenever the tab is shown, and on a 30 s tick
while it is visible, which also catches targets that another process, such as
`persona-tui targets add`, saved meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Select, Static

from persona_tui.chat import session
from persona_tui.chat.client import ChatModelError, Sampling, stream_chat
from persona_tui.training.client import together_connection
from persona_tui.chat.prompted import build_prompted_system_prompt
from persona_tui.chat.streaming import MessageAssembler
from persona_tui.chat.targets import ModelTarget, list_targets
from persona_tui.tui.leave_field import is_editing, leave_field_binding
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

REPLY_PANES = ("tuned", "base")

# The label and accepted range of each sampling field, the same bounds Sampling checks.
SAMPLING_FIELDS = {
    "temperature": ("temperature", "a number from 0 to 2"),
    "top-p": ("top-p", "a number above 0 and at most 1"),
    "max-tokens": ("max tokens", "a whole number of at least 1"),
}

# Seconds between re-reads of the workspace's target list.
TARGETS_REFRESH_SECONDS = 30.0


@dataclass
class ReplyUpdate(Message):
    """New complete messages and the partial text of one pane's reply."""

    pane: str
    messages: list[str]
    partial: str


@dataclass
class ReplyFinished(Message):
    pane: str
    seq: int
    messages: list[str]


@dataclass
class ReplyFailed(Message):
    pane: str
    error: str


class ChatPane(VerticalScroll):
    """One model's side of the conversation."""

    def add_bubble(self, text: str, classes: str) -> None:
        self.mount(Static(text, classes=f"bubble {classes}", markup=False))
        self.scroll_end(animate=False)

    def set_partial(self, text: str) -> None:
        partial = self.query("#partial")
        if text:
            if partial:
                partial.first(Static).update(text)
            else:
                self.mount(Static(text, id="partial", classes="bubble reply partial", markup=False))
        elif partial:
            partial.remove()
        self.scroll_end(animate=False)


class ChatTab(Vertical):
    BINDINGS = [
        Binding("ctrl+r", "regenerate", "Regenerate", id="chat-regenerate"),
        Binding("ctrl+l", "clear_chat", "Clear chat", id="chat-clear"),
        Binding("ctrl+n", "new_chat", "New chat", id="chat-new"),
        Binding("ctrl+o", "open_previous", "Open older chat", id="chat-open"),
        Binding("ctrl+y", "copy_reply", "Copy reply", id="chat-copy"),
        Binding("ctrl+s", "serve", "Serve: endpoints and downloads", id="chat-serve"),
        Binding("ctrl+t", "add_target", "Add model target", id="chat-add-target"),
        leave_field_binding("chat"),
    ]

    DEFAULT_CSS = """
    ChatTab #chat-bar { height: 3; }
    ChatTab #chat-bar Select { width: 1fr; }
    ChatTab #sampling { height: 3; }
    ChatTab #sampling Input { width: 1fr; border-title-align: left; }
    ChatTab #panes { height: 1fr; }
    ChatTab ChatPane { width: 1fr; border: round $primary; }
    ChatTab .bubble { margin: 0 0 1 0; }
    ChatTab .user { color: $text-muted; text-style: italic; }
    ChatTab .error { color: $error; }
    ChatTab .partial { color: $text-muted; }
    """

    def __init__(self, workspace: Workspace, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.chat_id: int | None = None
        self.last_seq: int | None = None
        self.assemblers: dict[str, MessageAssembler] = {}
        self.shown_options: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        options = self.target_options()
        with Horizontal(id="chat-bar"):
            yield Select(options, prompt="tuned target", id="tuned-target", allow_blank=True)
            yield Select(options, prompt="base model (prompted)", id="base-target", allow_blank=True)
        with Horizontal(id="sampling"):
            # The label sits in each field's top border, so it stays visible once the field
            # is filled and costs no extra line.
            for field_id, value in (("temperature", "0.8"), ("top-p", "0.9"), ("max-tokens", "256")):
                label, _ = SAMPLING_FIELDS[field_id]
                field = Input(value, placeholder=label, id=field_id)
                field.border_title = label
                yield field
        with Horizontal(id="panes"):
            yield ChatPane(id="tuned-pane")
            yield ChatPane(id="base-pane")
        yield Input(placeholder="Type a message and press Enter", id="chat-input")

    def target_options(self) -> list[tuple[str, int]]:
        return [(target.describe(), target.id) for target in list_targets(self.workspace)]

    def on_mount(self) -> None:
        self.query_one("#tuned-pane").border_title = "tuned"
        self.query_one("#base-pane").border_title = "prompted base"
        self.shown_options = self.target_options()
        self.pick_default_targets()
        chats = session.list_chats(self.workspace)
        if chats:
            self.open_chat(chats[0].id)
        self.app.screen_change_signal.subscribe(self, self.screen_changed)
        self.targets_timer = self.set_interval(TARGETS_REFRESH_SECONDS, self.refresh_targets, pause=True)

    def focus_first(self) -> None:
        """Start in the message box: typing a message is what the tab is for, and Esc
        leaves it so the digit keys switch tabs again."""
        self.query_one("#chat-input", Input).focus()

    def on_show(self) -> None:
        self.refresh_targets()
        self.targets_timer.resume()

    def on_hide(self) -> None:
        self.targets_timer.pause()

    def pick_default_targets(self) -> None:
        """Fill each blank picker with the first target of its kind."""
        targets = list_targets(self.workspace)
        tuned = next((t for t in targets if t.kind in ("together_endpoint", "openai")), None)
        base = next((t for t in targets if t.kind == "together"), None)
        for pane, target in (("tuned", tuned), ("base", base)):
            select = self.query_one(f"#{pane}-target", Select)
            if target is not None and select.is_blank():
                select.value = target.id

    def screen_changed(self, screen) -> None:
        if screen is self.screen:
            self.refresh_targets()

    def refresh_targets(self, pick: int | None = None) -> None:
        """Read the targets again and refill both pickers, keeping each choice that still
        exists; `pick` is a target id to choose for the tuned pane."""
        options = self.target_options()
        if options != self.shown_options:
            self.shown_options = options
            ids = {target_id for _, target_id in options}
            for pane in REPLY_PANES:
                select = self.query_one(f"#{pane}-target", Select)
                chosen = select.value
                select.set_options(options)
                if chosen in ids:
                    select.value = chosen
            self.pick_default_targets()
        if pick is not None and pick in {target_id for _, target_id in options}:
            self.query_one("#tuned-target", Select).value = pick

    # Keys -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            return is_editing(self.app)
        return True

    def action_leave_field(self) -> None:
        """Move focus to the tuned pane. Sending leaves focus in the message box, so the
        next message can be typed at once, and Esc is the way out of it."""
        self.query_one("#tuned-pane", ChatPane).focus()

    # Serving and targets -------------------------------------------------------------

    def action_serve(self) -> None:
        from persona_tui.tui.screens.serve import ServeScreen

        self.app.push_screen(ServeScreen(self.workspace), self.refresh_targets)

    def action_add_target(self) -> None:
        from persona_tui.tui.screens.add_target import AddTargetScreen

        self.app.push_screen(AddTargetScreen(self.workspace), self.refresh_targets)

    # Conversations -----------------------------------------------------------------

    def open_chat(self, chat_id: int) -> None:
        self.chat_id = chat_id
        for pane in REPLY_PANES:
            self.query_one(f"#{pane}-pane", ChatPane).remove_children()
        for message in session.load_messages(self.workspace, chat_id):
            if message.pane == "user":
                for pane in REPLY_PANES:
                    self.query_one(f"#{pane}-pane", ChatPane).add_bubble(f"you: {message.content}", "user")
                self.last_seq = message.seq
            else:
                self.query_one(f"#{message.pane}-pane", ChatPane).add_bubble(message.content, "reply")

    def ensure_chat(self) -> int:
        if self.chat_id is None:
            tuned, base = self.selected_target("tuned"), self.selected_target("base")
            self.chat_id = session.create_chat(
                self.workspace, "Chat", target_id=tuned.id if tuned else None,
                compare_target_id=base.id if base else None,
            )
        return self.chat_id

    def action_new_chat(self) -> None:
        self.chat_id = None
        self.last_seq = None
        for pane in REPLY_PANES:
            self.query_one(f"#{pane}-pane", ChatPane).remove_children()

    def action_open_previous(self) -> None:
        """Open the next older saved conversation, wrapping to the newest."""
        chats = session.list_chats(self.workspace)
        if not chats:
            self.notify("No saved conversations yet.")
            return
        ids = [chat.id for chat in chats]
        index = ids.index(self.chat_id) + 1 if self.chat_id in ids else 0
        self.open_chat(ids[index % len(ids)])
        self.notify(f"Opened chat {self.chat_id}")

    def action_clear_chat(self) -> None:
        if self.chat_id is not None:
            session.clear_chat(self.workspace, self.chat_id)
            self.open_chat(self.chat_id)
        self.last_seq = None

    def action_copy_reply(self) -> None:
        if self.chat_id is None or self.last_seq is None:
            self.notify("No reply to copy yet.")
            return
        for message in reversed(session.load_messages(self.workspace, self.chat_id)):
            if message.pane == "tuned":
                self.app.copy_to_clipboard(message.content)
                self.notify("Copied the tuned reply.")
                return
        self.notify("No tuned reply to copy yet.")

    # Sending -----------------------------------------------------------------------

    def selected_target(self, pane: str) -> ModelTarget | None:
        value = self.query_one(f"#{pane}-target", Select).value
        if value is Select.NULL or value is None:
            return None
        return next((t for t in list_targets(self.workspace) if t.id == value), None)

    def sampling(self) -> Sampling | None:
        """Return the sampling settings, or None after naming the invalid field and its range."""
        values: dict[str, float] = {}
        for field_id, kind in (("temperature", float), ("top-p", float), ("max-tokens", int)):
            text = self.query_one(f"#{field_id}", Input).value.strip()
            try:
                values[field_id] = kind(text)
            except ValueError:
                self.notify_invalid_sampling(field_id, text)
                return None

        try:
            return Sampling(values["temperature"], values["top-p"], int(values["max-tokens"]))
        except ValueError:
            # Sampling rejects one value at a time, so name the first field out of range.
            checks = {
                "temperature": 0 <= values["temperature"] <= 2,
                "top-p": 0 < values["top-p"] <= 1,
                "max-tokens": values["max-tokens"] >= 1,
            }
            field_id = next(name for name, valid in checks.items() if not valid)
            self.notify_invalid_sampling(field_id, self.query_one(f"#{field_id}", Input).value.strip())
            return None

    def notify_invalid_sampling(self, field_id: str, text: str) -> None:
        label, accepted = SAMPLING_FIELDS[field_id]
        self.notify(f"The {label} {text!r} is invalid: enter {accepted}.", title="Invalid sampling setting",
                    severity="error", markup=False)

    @on(Input.Submitted, "#chat-input")
    def send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        sampling = self.sampling()
        if sampling is None:
            return
        event.input.value = ""
        chat_id = self.ensure_chat()
        seq = session.add_user_message(self.workspace, chat_id, text)
        self.last_seq = seq
        for pane in REPLY_PANES:
            self.query_one(f"#{pane}-pane", ChatPane).add_bubble(f"you: {text}", "user")
        self.ask_both(chat_id, seq, sampling)

    def action_regenerate(self) -> None:
        if self.chat_id is None or self.last_seq is None:
            self.notify("Nothing to regenerate yet.")
            return
        sampling = self.sampling()
        if sampling is not None:
            session.delete_replies(self.workspace, self.chat_id, self.last_seq)
            self.open_chat(self.chat_id)
            self.ask_both(self.chat_id, self.last_seq, sampling)

    def ask_both(self, chat_id: int, seq: int, sampling: Sampling) -> None:
        for pane in REPLY_PANES:
            target = self.selected_target(pane)
            chat_pane = self.query_one(f"#{pane}-pane", ChatPane)
            if target is None:
                chat_pane.add_bubble(f"Choose a {pane} target above to get a reply here.", "error")
                continue
            prompt = session.system_prompt(self.workspace)
            if pane == "base":
                prompt = build_prompted_system_prompt(self.workspace, prompt)
            messages = session.messages_for_pane(self.workspace, chat_id, pane, up_to_seq=seq,
                                                 system_prompt_text=prompt)
            self.assemblers[pane] = MessageAssembler()
            self.stream_reply(pane, target, messages, seq, sampling)

    @work(thread=True, group="chat-reply", exit_on_error=False)
    def stream_reply(self, pane: str, target: ModelTarget, messages: list[dict[str, str]], seq: int,
                     sampling: Sampling) -> None:
        assembler = self.assemblers[pane]
        sent: list[str] = []
        connection = together_connection(self.workspace) if target.kind != "openai" else {}
        try:
            for delta in stream_chat(target, messages, sampling=sampling, **connection):
                done = assembler.feed(delta)
                sent += done
                self.post_message(ReplyUpdate(pane, done, assembler.pending()))
        except ChatModelError as error:
            self.post_message(ReplyFailed(pane, str(error)))
            return
        except Exception as error:  # noqa: BLE001 - any failure must reach the pane, not kill the app
            log.exception("chat reply for pane %s failed", pane)
            self.post_message(ReplyFailed(pane, f"The reply failed: {type(error).__name__}: {error}"))
            return
        rest = assembler.finish()
        sent += rest
        self.post_message(ReplyUpdate(pane, rest, ""))
        self.post_message(ReplyFinished(pane, seq, sent))

    @on(ReplyUpdate)
    def show_update(self, message: ReplyUpdate) -> None:
        pane = self.query_one(f"#{message.pane}-pane", ChatPane)
        pane.set_partial("")
        for text in message.messages:
            pane.add_bubble(text, "reply")
        pane.set_partial(message.partial)

    @on(ReplyFinished)
    def store_reply(self, message: ReplyFinished) -> None:
        if self.chat_id is not None:
            session.save_message(self.workspace, self.chat_id, message.seq, message.pane, "\n".join(message.messages))

    @on(ReplyFailed)
    def show_error(self, message: ReplyFailed) -> None:
        pane = self.query_one(f"#{message.pane}-pane", ChatPane)
        pane.set_partial("")
        pane.add_bubble(message.error, "error")
