"""The bot worker's discord.py client against simcord's in-memory Discord."""

import asyncio

import pytest
import simcord

from persona_tui.bot.kill_switch import set_kill_switch
from persona_tui.bot.paths import BotPaths
from persona_tui.bot.settings import BotSettings
from persona_tui.bot.worker import BotWorker

# Short waits so the tests run fast; the rhythm itself is the same code path.
FAST = dict(debounce_seconds=0.02, delay_min_seconds=0.01, delay_max_seconds=0.02, pause_between_messages_seconds=0.01)


class ScriptedModel:
    """A model stand-in that returns fixed text and records the messages it was sent."""

    def __init__(self, reply="hey\nwhat's up", error=None, delay=0.0):
        self.reply = reply
        self.error = error
        self.delay = delay
        self.calls = []

    async def __call__(self, messages):
        self.calls.append(messages)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.reply


def make_worker(tmp_path, model, **overrides):
    settings = BotSettings(**{**FAST, **overrides})
    return BotWorker(BotPaths(tmp_path / "bot"), settings, model, gap_minutes=60)


def bot_messages(user, bot_user_id):
    return [message.content for message in user.dm_channel.history() if message.author.id == bot_user_id]


async def test_dm_typing_then_split_reply(tmp_path):
    model = ScriptedModel("hey\nwhat's up")
    worker = make_worker(tmp_path, model)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        worker.settings.allowed_user_ids.append(alice.id)

        await alice.send_dm("hello")
        await worker.responder.wait_idle()

        assert bot_messages(alice, client.user.id) == ["hey", "what's up"]
        requests = [(entry.method, entry.path) for entry in env.http_requests]
        channel_path = f"/channels/{alice.dm_channel.id}"
        typing_index = requests.index(("POST", f"{channel_path}/typing"))
        first_send_index = requests.index(("POST", f"{channel_path}/messages"))
        assert typing_index < first_send_index

    assert model.calls[0][0]["role"] == "system"
    assert model.calls[0][1:] == [{"role": "user", "content": "hello"}]
    assert worker.responder.counters.replies_sent == 2
    assert worker.status.state == "connected"


async def test_history_includes_previous_reply(tmp_path):
    model = ScriptedModel("sure")
    worker = make_worker(tmp_path, model)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        worker.settings.allowed_user_ids.append(alice.id)
        await alice.send_dm("one")
        await worker.responder.wait_idle()
        await alice.send_dm("two")
        await worker.responder.wait_idle()

    assert model.calls[1][1:] == [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "sure"},
        {"role": "user", "content": "two"},
    ]


async def test_user_outside_allowlist_ignored(tmp_path):
    model = ScriptedModel()
    worker = make_worker(tmp_path, model)
    client = worker.build_client()
    async with simcord.run(client) as env:
        stranger = env.create_user("stranger")
        await stranger.send_dm("hello")
        await worker.responder.wait_idle()
        assert bot_messages(stranger, client.user.id) == []
    assert model.calls == []


async def test_other_bots_ignored(tmp_path):
    model = ScriptedModel()
    worker = make_worker(tmp_path, model, allow_everyone=True)
    client = worker.build_client()
    async with simcord.run(client) as env:
        other_bot = env.create_user("otherbot", bot=True)
        await other_bot.send_dm("beep")
        await worker.responder.wait_idle()
        assert bot_messages(other_bot, client.user.id) == []
    assert model.calls == []


async def test_long_reply_within_discord_limit(tmp_path):
    words = " ".join(f"word{index:04d}" for index in range(500))   # 500 * 9 - 1 = 4,499 characters
    model = ScriptedModel(words)
    worker = make_worker(tmp_path, model, allow_everyone=True, max_reply_chars=10_000)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        await alice.send_dm("tell me everything")
        await worker.responder.wait_idle()
        sent = bot_messages(alice, client.user.id)

    assert len(sent) == 3
    assert all(len(message) <= 2000 for message in sent)
    assert " ".join(sent) == words


async def test_max_reply_chars_truncates(tmp_path):
    model = ScriptedModel("aaaa bbbb cccc dddd")
    worker = make_worker(tmp_path, model, allow_everyone=True, max_reply_chars=10)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        await alice.send_dm("hi")
        await worker.responder.wait_idle()
        assert bot_messages(alice, client.user.id) == ["aaaa bbbb"]


async def test_per_user_rate_limit(tmp_path):
    model = ScriptedModel("ok")
    worker = make_worker(tmp_path, model, allow_everyone=True, replies_per_user_per_hour=1)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        bob = env.create_user("bob")
        for text in ("one", "two"):
            await alice.send_dm(text)
            await worker.responder.wait_idle()
        await bob.send_dm("hi")
        await worker.responder.wait_idle()

        assert bot_messages(alice, client.user.id) == ["ok"]
        assert bot_messages(bob, client.user.id) == ["ok"]
    assert len(model.calls) == 2


async def test_daily_cap_stops_model_calls(tmp_path):
    model = ScriptedModel("ok")
    worker = make_worker(tmp_path, model, allow_everyone=True, model_calls_per_day=1)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        bob = env.create_user("bob")
        await alice.send_dm("one")
        await worker.responder.wait_idle()
        await bob.send_dm("two")
        await worker.responder.wait_idle()
        assert bot_messages(bob, client.user.id) == []
    assert len(model.calls) == 1
    assert "daily cap" in worker.responder.counters.last_error


async def test_discord_rate_limit_retried(tmp_path):
    model = ScriptedModel("ok")
    worker = make_worker(tmp_path, model, allow_everyone=True)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        env.inject_error("POST", "/channels/*/messages", status=429, message="You are being rate limited.", times=1)
        await alice.send_dm("hi")
        await worker.responder.wait_idle()

        assert bot_messages(alice, client.user.id) == ["ok"]
        posts = [entry for entry in env.http_requests if entry.method == "POST" and entry.path.endswith("/messages")]
        assert len(posts) == 2


async def test_model_failure_sends_nothing(tmp_path):
    model = ScriptedModel(error=RuntimeError("endpoint is down"))
    worker = make_worker(tmp_path, model, allow_everyone=True)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        await alice.send_dm("hi")
        await worker.responder.wait_idle()
        assert bot_messages(alice, client.user.id) == []
    assert worker.responder.counters.last_error == "model call failed: RuntimeError: endpoint is down"


async def test_kill_switch_blocks_replies(tmp_path):
    model = ScriptedModel("ok")
    worker = make_worker(tmp_path, model, allow_everyone=True)
    set_kill_switch(worker.paths.kill_switch_file, True)
    client = worker.build_client()
    async with simcord.run(client) as env:
        alice = env.create_user("alice")
        await alice.send_dm("hi")
        await worker.responder.wait_idle()
        assert bot_messages(alice, client.user.id) == []
    assert model.calls == []
