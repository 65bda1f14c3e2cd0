"""`bot start/stop/status` with a real detached worker process.

The child runs the real worker against simcord (the test-only PERSONA_TUI_BOT_SIMCORD
hook in bot/worker.py), so no network or token is needed.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from persona_tui.bot.paths import BotPaths
from persona_tui.bot.settings import BotSettings, save_bot_settings
from persona_tui.bot.supervisor import current_status, process_alive, running_pid, start_detached, stop_worker
from persona_tui.bot.worker import SIMCORD_HOOK_VARIABLE
from persona_tui.workspace import Workspace


@pytest.fixture
def bot_workspace(tmp_path, monkeypatch):
    root = tmp_path / "workspace"
    with Workspace.open(root) as workspace:
        settings = BotSettings(
            allow_everyone=True, debounce_seconds=0.02, delay_min_seconds=0.01, delay_max_seconds=0.02
        )
        save_bot_settings(workspace, settings)
    monkeypatch.setenv(SIMCORD_HOOK_VARIABLE, json.dumps({"dms": ["hello", "how are you"]}))
    yield root
    stop_worker(root, timeout_seconds=5)


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def bot_runs(root):
    with Workspace.open(root) as workspace:
        return [tuple(row) for row in workspace.db.execute("SELECT pid, exit_reason FROM bot_runs ORDER BY id")]


def test_start_twice_runs_one_worker(bot_workspace):
    first = start_detached(bot_workspace)
    second = start_detached(bot_workspace)

    assert first.already_running is False
    assert second.already_running is True
    assert second.pid == first.pid
    assert running_pid(BotPaths(bot_workspace / "bot")) == first.pid


def test_status_reports_replies(bot_workspace):
    started = start_detached(bot_workspace)
    paths = BotPaths(bot_workspace / "bot")

    # Two scripted DMs, each answered with one echo message.
    assert wait_for(lambda: current_status(paths).replies_sent == 2)
    status = current_status(paths)
    assert status.state == "connected"
    assert status.pid == started.pid
    assert status.connected_as.startswith("TestBot (")


def test_stop_then_restart(bot_workspace):
    paths = BotPaths(bot_workspace / "bot")
    first = start_detached(bot_workspace)

    assert stop_worker(bot_workspace) == first.pid
    assert not process_alive(first.pid)
    assert current_status(paths).state == "stopped"
    assert not paths.pid_file.exists()

    second = start_detached(bot_workspace)
    assert second.already_running is False
    assert second.pid != first.pid
    assert stop_worker(bot_workspace) == second.pid

    assert bot_runs(bot_workspace) == [(first.pid, "stopped"), (second.pid, "stopped")]


def test_killed_worker_is_restarted(bot_workspace):
    paths = BotPaths(bot_workspace / "bot")
    first = start_detached(bot_workspace)
    assert wait_for(lambda: current_status(paths).state == "connected")

    os.kill(first.pid, signal.SIGKILL)
    assert wait_for(lambda: running_pid(paths) is None)
    # The status file still contains 'connected', and the liveness check corrects it.
    assert current_status(paths).state == "stopped"

    second = start_detached(bot_workspace)
    assert second.already_running is False
    assert second.pid != first.pid


def test_foreground_run_refused_while_detached(bot_workspace):
    start_detached(bot_workspace)
    result = subprocess.run(
        [sys.executable, "-m", "persona_tui", "--workspace", str(bot_workspace), "bot", "run"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "already running" in result.stderr


def test_missing_model_target_fails_clearly(bot_workspace, monkeypatch):
    monkeypatch.delenv(SIMCORD_HOOK_VARIABLE)
    with pytest.raises(RuntimeError) as error:
        start_detached(bot_workspace)
    assert "No model target is chosen" in str(error.value)
    status = current_status(BotPaths(bot_workspace / "bot"))
    assert status.state == "failed"
    assert "No model target is chosen" in status.last_error
