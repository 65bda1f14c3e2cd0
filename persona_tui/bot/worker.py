"""The bot worker process: one discord.py client answering as the persona until stopped.

`run_worker` is what `persona-tui bot run` and the detached child of `bot start` execute.
It holds an exclusive lock on the bot directory for its whole life, so a second worker on
the same workspace exits at once, and it keeps the status file current for the TUI.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import os
import signal
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from persona_tui.bot.kill_switch import kill_switch_on
from persona_tui.bot.paths import BotPaths
from persona_tui.bot.responder import Generate, Responder
from persona_tui.bot.settings import BotSettings, conversation_gap_minutes, load_bot_settings
from persona_tui.bot.status import BotStatus, write_status

log = logging.getLogger(__name__)

# Exit codes of the worker process.
EXIT_OK = 0
EXIT_FAILED = 2           # invalid token or missing settings, explained in the status file
EXIT_ALREADY_RUNNING = 3

# How often the watcher checks the kill switch and flushes the status file, in seconds.
WATCH_INTERVAL_SECONDS = 0.5

# Test-only: when this variable contains JSON, the worker runs against simcord's in-memory
# Discord instead of the real one, with an echo model, and a simulated user sends the
# listed DMs. It lets tests start a real detached worker without a network or a token.
SIMCORD_HOOK_VARIABLE = "PERSONA_TUI_BOT_SIMCORD"


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class WorkerAlreadyRunning(Exception):
    pass


def acquire_worker_lock(paths: BotPaths) -> TextIO:
    """Lock the bot directory for this process, or raise WorkerAlreadyRunning.

    The kernel drops the lock when the process dies, so a crashed worker never blocks
    the next start.
    """
    paths.root.mkdir(parents=True, exist_ok=True)
    handle = open(paths.lock_file, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise WorkerAlreadyRunning(f"another bot worker holds {paths.lock_file}") from None
    return handle


class BotWorker:
    """The responder, the status and the watcher around one discord.py client."""

    def __init__(self, paths: BotPaths, settings: BotSettings, generate: Generate, *, gap_minutes: float) -> None:
        self.paths = paths
        self.settings = settings
        self.status = BotStatus(state="starting", pid=os.getpid(), since=utc_now_iso())
        self.responder = Responder(
            settings, generate, gap_minutes=gap_minutes, kill_switch=lambda: kill_switch_on(paths.kill_switch_file)
        )
        self.stop_event = asyncio.Event()

    def write_status(self) -> None:
        counters = self.responder.counters
        self.status.replies_sent = counters.replies_sent
        self.status.model_calls = counters.model_calls
        if counters.last_error is not None:
            self.status.last_error = counters.last_error
        counters.changed = False
        self.status.updated_at = utc_now_iso()
        write_status(self.paths.status_file, self.status)

    def build_client(self) -> Any:
        from persona_tui.bot.discord_client import build_client

        return build_client(self.responder, self.status, self.write_status)

    async def watch(self) -> None:
        """Honour the kill switch and flush the status file until the worker stops."""
        while not self.stop_event.is_set():
            switched_on = kill_switch_on(self.paths.kill_switch_file)
            if switched_on and self.status.state != "paused":
                cancelled = self.responder.cancel_all()
                log.warning("kill switch is on: paused, cancelled %d replies in flight", cancelled)
                self.status.state = "paused"
                self.status.kill_switch = True
                self.write_status()
            elif not switched_on and self.status.state == "paused":
                log.info("kill switch is off: answering again")
                self.status.state = "connected"
                self.status.kill_switch = False
                self.write_status()
            elif self.responder.counters.changed:
                self.write_status()
            try:
                await asyncio.wait_for(self.stop_event.wait(), WATCH_INTERVAL_SECONDS)
            except TimeoutError:
                pass

    async def serve(self, token: str) -> None:
        """Run the client until `stop_event` is set; raise what `client.start` raises."""
        client = self.build_client()
        self.status.state = "connecting"
        self.write_status()

        watcher = asyncio.create_task(self.watch(), name="bot-watcher")
        runner = asyncio.create_task(client.start(token, reconnect=True), name="bot-client")
        stopper = asyncio.create_task(self.stop_event.wait(), name="bot-stop")
        try:
            await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if runner.done():
                runner.result()
        finally:
            self.stop_event.set()
            self.responder.cancel_all()
            await client.close()
            for task in (watcher, runner, stopper):
                task.cancel()
            await asyncio.gather(watcher, runner, stopper, return_exceptions=True)

    async def serve_simcord(self, script: dict[str, Any]) -> None:
        """Test-only: run the client against simcord and send the scripted DMs."""
        import simcord

        client = self.build_client()
        self.status.state = "connecting"
        self.write_status()
        watcher = asyncio.create_task(self.watch(), name="bot-watcher")
        try:
            async with simcord.run(client, check_errors=False) as env:
                user = env.create_user(script.get("user", "tester"))
                for text in script.get("dms", []):
                    await user.send_dm(text)
                await self.stop_event.wait()
                await self.responder.wait_idle()
        finally:
            self.stop_event.set()
            await asyncio.gather(watcher, return_exceptions=True)


def echo_generate_for_tests() -> Generate:
    async def generate(messages: list[dict[str, str]]) -> str:
        return "echo: " + messages[-1]["content"]

    return generate


def run_worker(workspace_root: Path, *, generate: Generate | None = None, token: str | None = None) -> int:
    """Run the bot worker on the workspace in the foreground until SIGTERM or SIGINT.

    Returns the process exit code: EXIT_OK after a stop, EXIT_FAILED when it cannot
    connect (the status file's `last_error` gives the reason), EXIT_ALREADY_RUNNING when another
    worker holds the lock.
    """
    from persona_tui.logs import configure_logging
    from persona_tui.workspace import Workspace

    workspace = Workspace.open(workspace_root)
    paths = BotPaths(workspace.bot_dir)
    configure_logging(paths.root, file_name=paths.log_file.name)

    try:
        lock = acquire_worker_lock(paths)
    except WorkerAlreadyRunning as error:
        log.warning("not starting a second bot worker: %s", error)
        workspace.close()
        return EXIT_ALREADY_RUNNING

    try:
        return _run_locked(workspace, paths, generate, token)
    finally:
        paths.pid_file.unlink(missing_ok=True)
        lock.close()
        workspace.close()


def _run_locked(workspace: Any, paths: BotPaths, generate: Generate | None, token: str | None) -> int:
    paths.pid_file.write_text(f"{os.getpid()}\n", encoding="utf-8")
    with workspace.transaction() as db:
        run_id = db.execute(
            "INSERT INTO bot_runs(started_at, pid) VALUES (?, ?)", (utc_now_iso(), os.getpid())
        ).lastrowid
    log.info("bot worker starting: run %d, pid %d, workspace %s", run_id, os.getpid(), workspace.root)

    settings = load_bot_settings(workspace)
    script = _simcord_script()
    worker: BotWorker | None = None
    exit_code, exit_reason = EXIT_FAILED, "failed"
    try:
        if script is not None:
            generate = echo_generate_for_tests()
        elif generate is None:
            from persona_tui.bot.model import make_generate

            generate = make_generate(workspace, settings)
        worker = BotWorker(paths, settings, generate, gap_minutes=conversation_gap_minutes(workspace))
        worker.write_status()

        if script is not None:
            coroutine_factory: Callable[[], Any] = lambda: worker.serve_simcord(script)
        else:
            if token is None:
                from persona_tui.bot.bot_token import load_bot_token

                token = load_bot_token()
            coroutine_factory = lambda: worker.serve(token)
        asyncio.run(_with_signals(worker, coroutine_factory))
        exit_code, exit_reason = EXIT_OK, "stopped"
    except Exception as error:
        message = describe_failure(error)
        log.error("bot worker failed: %s", message)
        status = worker.status if worker is not None else BotStatus(pid=os.getpid(), since=utc_now_iso())
        status.last_error = message
        status.state = "failed"
        write_status(paths.status_file, status)
        exit_reason = message
    else:
        worker.status.state = "stopped"
        worker.write_status()
    finally:
        with workspace.transaction() as db:
            db.execute(
                "UPDATE bot_runs SET stopped_at = ?, exit_reason = ? WHERE id = ?", (utc_now_iso(), exit_reason, run_id)
            )
        log.info("bot worker stopped: run %d, exit code %d (%s)", run_id, exit_code, exit_reason)
    return exit_code


async def _with_signals(worker: BotWorker, coroutine_factory: Callable[[], Any]) -> None:
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, worker.stop_event.set)
    await coroutine_factory()


def describe_failure(error: Exception) -> str:
    """Return the message the status file and the TUI show for a worker that cannot run."""
    from persona_tui.bot.bot_token import MissingTokenError
    from persona_tui.bot.model import BotConfigError

    if isinstance(error, (MissingTokenError, BotConfigError)):
        return str(error)

    import discord

    if isinstance(error, discord.LoginFailure):
        return (
            "Discord rejected the bot token (401 Unauthorized). Copy the token from the Bot page "
            "of the Discord developer portal, store it again and start the bot."
        )
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return (
            "Discord refused a privileged intent the bot requested. Enable it on the Bot page "
            "of the Discord developer portal, or turn it off, and start the bot again."
        )
    return f"{type(error).__name__}: {error}"


def _simcord_script() -> dict[str, Any] | None:
    raw = os.environ.get(SIMCORD_HOOK_VARIABLE)
    if not raw:
        return None
    return json.loads(raw)
