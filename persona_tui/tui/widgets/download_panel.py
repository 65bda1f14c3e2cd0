"""The download part of the Serve screen: a job's adapter or merged weights, with a
progress bar, a cancel, and a resume from the part file on the next start."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ProgressBar, Static

from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# Progress messages are posted at most this often, so a fast download does not flood the
# message queue with one message per chunk.
PROGRESS_INTERVAL_SECONDS = 0.1


@dataclass
class DownloadProgress(Message):
    done: int
    total: int | None


@dataclass
class DownloadFinished(Message):
    path: Path


@dataclass
class DownloadStopped(Message):
    """The download ended early: cancelled by the user, or failed with `error`."""

    cancelled: bool
    error: str | None


class DownloadPanel(Vertical):
    """Download one job's weights at a time into the workspace's models/ folder."""

    DEFAULT_CSS = """
    DownloadPanel { height: auto; }
    DownloadPanel #download-status { height: auto; }
    """

    def __init__(self, workspace: Workspace, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.cancel_requested = threading.Event()
        self.running: str | None = None     # 'job_id checkpoint' while a download runs

    def compose(self) -> ComposeResult:
        yield Label("Download weights (a: adapter, m: merged, c: cancel)")
        yield ProgressBar(total=None, show_eta=False, id="download-progress")
        yield Static("No download started.", id="download-status", markup=False)

    def set_status(self, text: str) -> None:
        self.query_one("#download-status", Static).update(text)

    def start(self, job_id: str, checkpoint: str) -> None:
        """Start (or resume) the download of `checkpoint` weights of `job_id`."""
        if self.running is not None:
            self.app.notify(f"The {self.running} download is still running; cancel it first with c.")
            return
        from persona_tui.training.serving import download_path

        final = download_path(self.workspace, job_id, checkpoint)
        partial = final.with_name(final.name + ".part")
        resumed = partial.stat().st_size if partial.exists() else 0
        self.running = f"{job_id} {checkpoint}"
        self.cancel_requested.clear()
        self.query_one("#download-progress", ProgressBar).update(total=None, progress=0)
        start_text = f"resuming at {resumed:,} bytes" if resumed else "starting"
        self.set_status(f"Downloading the {checkpoint} weights of {job_id}: {start_text}…")
        self.download(job_id, checkpoint)

    def cancel(self) -> None:
        if self.running is None:
            self.app.notify("No download is running.")
            return
        self.cancel_requested.set()

    @work(thread=True, group="serve-download", exit_on_error=False)
    def download(self, job_id: str, checkpoint: str) -> None:
        from persona_tui.training.client import make_client
        from persona_tui.training.serving import DownloadCancelled, ServingError, download_weights

        last_post = 0.0

        def progress(done: int, total: int | None) -> None:
            nonlocal last_post
            if self.cancel_requested.is_set():
                raise DownloadCancelled(f"download of {job_id} {checkpoint} cancelled at byte {done}")
            now = time.monotonic()
            if now - last_post >= PROGRESS_INTERVAL_SECONDS or done == total:
                last_post = now
                self.post_message(DownloadProgress(done, total))

        try:
            path = download_weights(self.workspace, make_client(self.workspace), job_id,
                                    checkpoint=checkpoint, progress=progress)
        except DownloadCancelled:
            log.info("download of %s %s weights cancelled", job_id, checkpoint)
            self.post_message(DownloadStopped(cancelled=True, error=None))
            return
        except ServingError as error:
            self.post_message(DownloadStopped(cancelled=False, error=str(error)))
            return
        except Exception as error:  # noqa: BLE001 - any failure must reach the panel, not end the app
            log.exception("download of %s %s weights failed", job_id, checkpoint)
            self.post_message(DownloadStopped(cancelled=False, error=f"The download failed: {type(error).__name__}: {error}"))
            return
        self.post_message(DownloadFinished(path))

    @on(DownloadProgress)
    def show_progress(self, message: DownloadProgress) -> None:
        bar = self.query_one("#download-progress", ProgressBar)
        bar.update(total=message.total, progress=message.done)
        share = f" of {message.total:,}" if message.total else ""
        self.set_status(f"Downloading {self.running}: {message.done:,}{share} bytes…")

    @on(DownloadFinished)
    def show_finished(self, message: DownloadFinished) -> None:
        size = message.path.stat().st_size
        bar = self.query_one("#download-progress", ProgressBar)
        bar.update(total=size, progress=size)
        self.running = None
        self.set_status(
            f"Saved {message.path} ({size:,} bytes). docs/serving.md says how to serve it with "
            "vLLM, llama.cpp or Ollama; then add it as an OpenAI-compatible target in the Chat tab."
        )

    @on(DownloadStopped)
    def show_stopped(self, message: DownloadStopped) -> None:
        download = self.running
        self.running = None
        if message.cancelled:
            self.set_status(f"Cancelled the {download} download; the part file is kept, so starting the same download again resumes it.")
        else:
            self.set_status(message.error or "The download stopped.")
