"""Starting, stopping and finding the detached bot worker.

`start_detached` runs `python -m persona_tui bot run` in a new session, so the worker
survives the TUI closing and the SSH session dropping. At most one worker runs per
workspace: `start_detached` checks the pid file under a start lock, and the worker itself
holds an exclusive lock for its life (see worker.py), which also covers `bot run`.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from persona_tui.bot.paths import BotPaths
from persona_tui.bot.status import BotStatus, read_status

log = logging.getLogger(__name__)

ALIVE_STATES = ("starting", "connecting", "connected", "disconnected", "paused")


@dataclass(frozen=True, slots=True)
class StartResult:
    pid: int
    already_running: bool


def read_pid(paths: BotPaths) -> int | None:
    try:
        return int(paths.pid_file.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but belongs to another user
    return _not_a_zombie(pid)


def _not_a_zombie(pid: int) -> bool:
    # kill(pid, 0) succeeds for a child that exited but was not reaped, so /proc decides.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def worker_lock_held(paths: BotPaths) -> bool:
    """Return whether a live worker holds the worker lock."""
    if not paths.lock_file.exists():
        return False
    with open(paths.lock_file, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def running_pid(paths: BotPaths) -> int | None:
    """Return the pid of the live worker, or None when none runs (a stale pid file is ignored)."""
    pid = read_pid(paths)
    if pid is not None and process_alive(pid) and worker_lock_held(paths):
        return pid
    return None


def current_status(paths: BotPaths) -> BotStatus:
    """Return the status file's content, corrected to 'stopped' when the worker it
    describes is no longer alive (killed, or the machine restarted)."""
    status = read_status(paths.status_file)
    if status.state in ALIVE_STATES and running_pid(paths) is None:
        status.state = "stopped"
        status.last_error = status.last_error or "the worker exited without writing its final status"
    return status


def start_detached(workspace_root: Path, *, wait_seconds: float = 10.0) -> StartResult:
    """Start the worker as a detached process unless one is running; return its pid.

    Waits up to `wait_seconds` for the worker to report that it is connecting, so the
    caller can show its state at once. Raises RuntimeError with the worker's last error
    when it fails or exits during that wait.
    """
    paths = BotPaths(workspace_root / "bot")
    paths.root.mkdir(parents=True, exist_ok=True)

    with open(paths.start_lock_file, "a+", encoding="utf-8") as start_lock:
        fcntl.flock(start_lock, fcntl.LOCK_EX)
        pid = running_pid(paths)
        if pid is not None:
            log.info("bot worker already running as pid %d", pid)
            return StartResult(pid, already_running=True)

        command = [sys.executable, "-m", "persona_tui", "--workspace", str(workspace_root), "bot", "run"]
        with open(paths.root / "worker.out", "ab") as output:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                start_new_session=True,
                close_fds=True,
            )
        log.info("started bot worker pid %d", process.pid)
        _wait_for_start(paths, process, wait_seconds)
        return StartResult(process.pid, already_running=False)


def _wait_for_start(paths: BotPaths, process: subprocess.Popen, wait_seconds: float) -> None:
    # The worker takes its lock before it reads the settings and the token, so only the
    # status file separates a worker that is connecting from one that is about to fail.
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        status = read_status(paths.status_file)
        if status.pid == process.pid and status.state in ("connecting", "connected", "disconnected", "paused"):
            return

        exit_code = process.poll()
        if exit_code is not None or (status.pid == process.pid and status.state == "failed"):
            reason = status.last_error if status.pid == process.pid else None
            log.warning("bot worker pid %d failed at start: %s", process.pid, reason)
            raise RuntimeError(
                f"The bot worker failed at start: {reason or 'see ' + str(paths.root / 'worker.out')}"
            )
        time.sleep(0.05)
    log.warning("bot worker pid %d did not report its state within %.0f s", process.pid, wait_seconds)


def stop_worker(workspace_root: Path, *, timeout_seconds: float = 15.0) -> int | None:
    """Send SIGTERM to the running worker and wait for it to exit; return its pid, or
    None when none was running. Sends SIGKILL after `timeout_seconds`."""
    paths = BotPaths(workspace_root / "bot")
    pid = running_pid(paths)
    if pid is None:
        return None

    log.info("stopping bot worker pid %d", pid)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return pid

    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        _reap(pid)
        if not process_alive(pid):
            return pid
        time.sleep(0.05)

    log.warning("bot worker pid %d did not stop within %.0f s; sending SIGKILL", pid, timeout_seconds)
    os.kill(pid, signal.SIGKILL)
    return pid


def _reap(pid: int) -> None:
    # Collect the exit status when the worker is a child of this process, so it does not
    # linger as a zombie. waitpid fails with ECHILD for any other process.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    except OSError as error:
        if error.errno != errno.ECHILD:
            raise
