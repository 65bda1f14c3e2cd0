"""An invalid bot token: discord.py gets a 401 from a loopback stand-in for Discord's REST API."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import discord.http
import pytest

from persona_tui.bot.paths import BotPaths
from persona_tui.bot.status import read_status
from persona_tui.bot.worker import EXIT_FAILED, run_worker


class UnauthorizedHandler(BaseHTTPRequestHandler):
    paths_seen = []

    def do_GET(self):
        UnauthorizedHandler.paths_seen.append(self.path)
        body = b'{"message": "401: Unauthorized", "code": 0}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def rejecting_discord(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), UnauthorizedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{server.server_port}/api/v10")
    yield server
    server.shutdown()
    server.server_close()


def test_invalid_token_exits_with_reason(tmp_path, rejecting_discord):
    async def model(messages):
        return "unused"

    root = tmp_path / "workspace"
    exit_code = run_worker(root, generate=model, token="not-a-token")

    assert exit_code == EXIT_FAILED
    assert UnauthorizedHandler.paths_seen == ["/api/v10/users/@me"]
    status = read_status(BotPaths(root / "bot").status_file)
    assert status.state == "failed"
    assert status.last_error.startswith("Discord rejected the bot token (401 Unauthorized).")
    assert "not-a-token" not in (root / "bot" / "worker.log").read_text()
