"""Chat conversations saved in the workspace, and the messages each pane sends to its model.

A conversation is a row of `chats`; each exchange has a sequence number `seq` and up to
three rows in `chat_messages`: the user's message (pane 'user'), the tuned target's reply
('tuned') and the prompted base model's reply ('base'). A reply is stored as its split
messages joined by newlines, which is how the bot's history shows a run of the persona's
Discord messages once `build_messages` merges them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from persona_tui.chat.history import HistoryMessage, build_messages
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

PANES = ("user", "tuned", "base")

# The pipeline's settings live under this workspace setting; the samples were trained
# with its system prompt, and its gap cuts conversation windows.
PIPELINE_SETTINGS_KEY = "pipeline"
DEFAULT_SYSTEM_PROMPT = (
    "You are texting a friend on Discord. Reply the way you always do: same length, "
    "same tone, same habits."
)
DEFAULT_GAP_MINUTES = 60.0


@dataclass(frozen=True, slots=True)
class ChatSummary:
    id: int
    title: str
    created_at: str
    target_id: int | None
    compare_target_id: int | None
    exchange_count: int


@dataclass(frozen=True, slots=True)
class ChatMessage:
    seq: int
    pane: str
    content: str
    created_ms: int


def system_prompt(workspace: Workspace) -> str:
    """Return the system prompt the samples were trained with."""
    # NOTE: this reads the pipeline's stored settings directly; it matches
    # pipeline/settings.py's key and default, and should call its load_settings once
    # that module is on main.
    settings = workspace.get_setting(PIPELINE_SETTINGS_KEY, {}) or {}
    return settings.get("system_prompt") or DEFAULT_SYSTEM_PROMPT


def gap_minutes(workspace: Workspace) -> float:
    settings = workspace.get_setting(PIPELINE_SETTINGS_KEY, {}) or {}
    return float(settings.get("gap_minutes") or DEFAULT_GAP_MINUTES)


def now_ms() -> int:
    return int(time.time() * 1000)


def create_chat(workspace: Workspace, title: str, *, target_id: int | None = None,
                compare_target_id: int | None = None) -> int:
    with workspace.transaction() as db:
        cursor = db.execute(
            "INSERT INTO chats(created_at, title, target_id, compare_target_id) VALUES (?, ?, ?, ?)",
            (datetime.now(UTC).isoformat(timespec="seconds"), title, target_id, compare_target_id),
        )
    log.info("created chat %d", cursor.lastrowid)
    return cursor.lastrowid


def set_chat_targets(workspace: Workspace, chat_id: int, target_id: int | None, compare_target_id: int | None) -> None:
    with workspace.transaction() as db:
        db.execute("UPDATE chats SET target_id = ?, compare_target_id = ? WHERE id = ?",
                   (target_id, compare_target_id, chat_id))


def list_chats(workspace: Workspace) -> list[ChatSummary]:
    """Return the saved conversations, newest first."""
    rows = workspace.db.execute(
        "SELECT c.id, c.title, c.created_at, c.target_id, c.compare_target_id, "
        "count(DISTINCT m.seq) FROM chats c LEFT JOIN chat_messages m ON m.chat_id = c.id "
        "GROUP BY c.id ORDER BY c.id DESC"
    ).fetchall()
    return [ChatSummary(*row) for row in rows]


def load_messages(workspace: Workspace, chat_id: int) -> list[ChatMessage]:
    rows = workspace.db.execute(
        "SELECT seq, pane, content, created_ms FROM chat_messages WHERE chat_id = ? "
        "ORDER BY seq, CASE pane WHEN 'user' THEN 0 WHEN 'tuned' THEN 1 ELSE 2 END",
        (chat_id,),
    ).fetchall()
    return [ChatMessage(*row) for row in rows]


def next_seq(workspace: Workspace, chat_id: int) -> int:
    row = workspace.db.execute("SELECT max(seq) FROM chat_messages WHERE chat_id = ?", (chat_id,)).fetchone()
    return 0 if row[0] is None else row[0] + 1


def add_user_message(workspace: Workspace, chat_id: int, content: str, *, created_ms: int | None = None) -> int:
    """Store the user's message as a new exchange and return its sequence number."""
    seq = next_seq(workspace, chat_id)
    save_message(workspace, chat_id, seq, "user", content, created_ms=created_ms)
    return seq


def save_message(workspace: Workspace, chat_id: int, seq: int, pane: str, content: str, *,
                 created_ms: int | None = None) -> None:
    """Store (or, on regenerate, replace) the message of `pane` in exchange `seq`."""
    if pane not in PANES:
        raise ValueError(f"Unknown chat pane {pane!r}; expected one of {PANES}")
    with workspace.transaction() as db:
        db.execute(
            "INSERT INTO chat_messages(chat_id, seq, pane, content, created_ms) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(chat_id, seq, pane) DO UPDATE SET content = excluded.content, "
            "created_ms = excluded.created_ms",
            (chat_id, seq, pane, content, created_ms if created_ms is not None else now_ms()),
        )


def delete_replies(workspace: Workspace, chat_id: int, seq: int) -> None:
    """Delete both replies of exchange `seq`, keeping the user's message (for regenerate)."""
    with workspace.transaction() as db:
        db.execute("DELETE FROM chat_messages WHERE chat_id = ? AND seq = ? AND pane != 'user'", (chat_id, seq))


def clear_chat(workspace: Workspace, chat_id: int) -> int:
    """Delete every message of the conversation, keeping the conversation; return the count."""
    with workspace.transaction() as db:
        deleted = db.execute("DELETE FROM chat_messages WHERE chat_id = ?", (chat_id,)).rowcount
    log.info("cleared chat %d (%d messages)", chat_id, deleted)
    return deleted


def delete_chat(workspace: Workspace, chat_id: int) -> None:
    with workspace.transaction() as db:
        db.execute("DELETE FROM chat_messages WHERE chat_id = ?", (chat_id,))
        db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))
    log.info("deleted chat %d", chat_id)


def pane_history(messages: list[ChatMessage], pane: str, *, up_to_seq: int | None = None) -> list[HistoryMessage]:
    """Return the conversation as one pane's model saw it: the user's messages and that
    pane's replies, through exchange `up_to_seq` (its reply left out, for regenerate)."""
    history = []
    for message in messages:
        if up_to_seq is not None and message.seq > up_to_seq:
            break
        if message.pane == "user":
            history.append(HistoryMessage("user", message.content, message.created_ms))
        elif message.pane == pane and (up_to_seq is None or message.seq < up_to_seq):
            history.append(HistoryMessage("assistant", message.content, message.created_ms))
    return history


def messages_for_pane(
    workspace: Workspace,
    chat_id: int,
    pane: str,
    *,
    up_to_seq: int | None = None,
    system_prompt_text: str | None = None,
) -> list[dict[str, str]]:
    """Return the chat-completion messages `pane` sends for exchange `up_to_seq` (the
    latest when None): the current conversation window, built as the bot builds it."""
    history = pane_history(load_messages(workspace, chat_id), pane, up_to_seq=up_to_seq)
    prompt = system_prompt_text if system_prompt_text is not None else system_prompt(workspace)
    return build_messages(history, prompt, gap_minutes=gap_minutes(workspace))
