"""The Export tab's "Fetch through the bot" action: ask for channel ids, fetch, refresh.

The fetch runs discord.py in a worker thread with its own event loop and reuses the tab's
long-work path: the progress line, Esc to cancel, and the refresh of the sources and
authors tables when it ends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Label

log = logging.getLogger(__name__)

# How often the worker checks the cancel flag while the fetch runs, in seconds.
CANCEL_POLL_SECONDS = 0.1

# The progress line is updated at most this often, so a fast fetch does not flood the queue.
PROGRESS_INTERVAL_SECONDS = 0.1


class FetchProgress(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FetchThroughBot:
    """Mixed into ExportTab, which provides begin_work, cancel_flag and the Work messages."""

    def action_fetch(self) -> None:
        from persona_tui.tui.screens.fetch_dialog import FetchDialog

        self.app.push_screen(FetchDialog(), self.fetch_dialog_closed)

    def fetch_dialog_closed(self, channel_ids: list[int] | None) -> None:
        if not channel_ids:
            return
        from persona_tui.bot.bot_token import MissingTokenError, load_bot_token
        from persona_tui.tui.screens.fetch_dialog import TOKEN_HOW_TO

        # The token may have been removed while the dialog was open.
        try:
            token = load_bot_token()
        except MissingTokenError:
            self.app.report_error("Fetch failed", TOKEN_HOW_TO)
            return
        if self.begin_work(f"Fetching {len(channel_ids)} channel(s) through the bot…"):
            self.run_fetch(token, channel_ids)

    def fetch_coroutine(self, token: str, channel_ids: list[int], progress: Any) -> Any:
        """Return the coroutine that fetches the channels. Tests replace this method to run
        the same fetch against simcord's in-memory Discord."""
        from persona_tui.sources.fetch import fetch_with_token

        return fetch_with_token(self.workspace, token, channel_ids, progress=progress)

    @work(thread=True, exclusive=True, group="export-work")
    def run_fetch(self, token: str, channel_ids: list[int]) -> None:
        from persona_tui.sources.fetch import FetchError

        log.info("fetch started: channels %s", channel_ids)
        try:
            results = asyncio.run(self.fetch_until_cancelled(token, channel_ids))
        except FetchError as error:
            log.warning("fetch of channels %s failed: %s", channel_ids, error)
            self.post_message(self.WorkFailed("fetch", str(error)))
        except Exception as error:  # noqa: BLE001 - any failure is shown, not a crash
            log.exception("fetch of channels %s failed", channel_ids)
            self.post_message(self.WorkFailed("fetch", f"{type(error).__name__}: {error}"))
        else:
            self.post_message(self.WorkFinished("fetch", summarize_fetch(results)))

    async def fetch_until_cancelled(self, token: str, channel_ids: list[int]) -> list[Any] | None:
        """Run the fetch and cancel it when Esc sets the cancel flag. Return None if cancelled.

        The fetch stores each batch as it goes, so a cancelled fetch keeps what it read and
        the next fetch of the channel resumes after it.
        """
        task = asyncio.ensure_future(self.fetch_coroutine(token, channel_ids, self.fetch_progress_callback()))
        while not task.done():
            if self.cancel_flag.is_set():
                log.info("fetch of channels %s cancelled", channel_ids)
                task.cancel()
                break
            await asyncio.wait({task}, timeout=CANCEL_POLL_SECONDS)
        try:
            return await task
        except asyncio.CancelledError:
            return None

    def fetch_progress_callback(self):
        last_sent = 0.0

        def report(count: int) -> None:
            nonlocal last_sent
            now = time.monotonic()
            if now - last_sent >= PROGRESS_INTERVAL_SECONDS:
                last_sent = now
                self.post_message(FetchProgress(f"Fetching through the bot: {count:,} messages read (Esc cancels)"))

        return report

    def on_fetch_progress(self, event: FetchProgress) -> None:
        if self.working:
            self.query_one("#work-status", Label).update(Text(event.text))


def summarize_fetch(results: list[Any] | None) -> str:
    """Return the result line, with the same numbers `persona-tui fetch` prints per channel."""
    if results is None:
        return "Fetch cancelled. The messages read so far are stored; the next fetch resumes after them."
    parts = [f"channel {result.channel_id}: {result.fetched:,} fetched, {result.new:,} new" for result in results]
    summary = "Fetched " + "; ".join(parts) + "."
    censored = [str(result.channel_id) for result in results if result.looks_censored()]
    if censored:
        summary += (
            f" Every message from channel(s) {', '.join(censored)} came without content: enable the "
            "Message Content Intent on the Bot page of the Discord developer portal and fetch again."
        )
    return summary
