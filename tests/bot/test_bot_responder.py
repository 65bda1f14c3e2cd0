"""The responder's timing rules (debounce, model timeout) with a recording channel.

simcord turns some asyncio timers into virtual ones that only its own clock advances, so
the rules that depend on timers firing are checked here against a plain channel object.
"""

import asyncio
from contextlib import asynccontextmanager

from persona_tui.bot.policy import IncomingMessage
from persona_tui.bot.responder import Responder
from persona_tui.bot.settings import BotSettings

BOT_ID = 900
USER_ID = 10
FAST = dict(debounce_seconds=0.05, delay_min_seconds=0.0, delay_max_seconds=0.0, pause_between_messages_seconds=0.0)


class RecordingChannel:
    def __init__(self):
        self.events = []

    @asynccontextmanager
    async def typing(self):
        self.events.append(("typing", None))
        yield

    async def send(self, text):
        self.events.append(("send", text))
        return None


def dm(message_id, content, timestamp_ms=0):
    return IncomingMessage(
        message_id=message_id, author_id=USER_ID, author_is_bot=False, channel_id=1,
        is_dm=True, mentions_bot=False, content=content, timestamp_ms=timestamp_ms,
    )


async def test_debounce_merges_quick_messages():
    calls = []

    async def model(messages):
        calls.append(messages)
        return "got both"

    responder = Responder(BotSettings(allow_everyone=True, **FAST), model, gap_minutes=60)
    channel = RecordingChannel()
    responder.handle(dm(1, "one"), channel, BOT_ID)
    await asyncio.sleep(0.01)
    responder.handle(dm(2, "two", 1000), channel, BOT_ID)
    await responder.wait_idle()

    assert len(calls) == 1
    assert calls[0][1:] == [{"role": "user", "content": "one\ntwo"}]
    assert channel.events == [("typing", None), ("send", "got both")]


async def test_model_timeout_sends_fallback():
    async def slow_model(messages):
        await asyncio.sleep(5)
        return "too late"

    settings = BotSettings(allow_everyone=True, model_timeout_seconds=0.05, fallback_reply="brb", **FAST)
    responder = Responder(settings, slow_model, gap_minutes=60)
    channel = RecordingChannel()
    responder.handle(dm(1, "hi"), channel, BOT_ID)
    await responder.wait_idle()

    assert channel.events == [("typing", None), ("send", "brb")]
    assert responder.counters.last_error == "model timed out after 0.05 s"


async def test_model_timeout_without_fallback_is_silent():
    async def slow_model(messages):
        await asyncio.sleep(5)
        return "too late"

    settings = BotSettings(allow_everyone=True, model_timeout_seconds=0.05, **FAST)
    responder = Responder(settings, slow_model, gap_minutes=60)
    channel = RecordingChannel()
    responder.handle(dm(1, "hi"), channel, BOT_ID)
    await responder.wait_idle()

    assert channel.events == [("typing", None)]


async def test_cancel_all_stops_pending_reply():
    async def model(messages):
        return "never"

    responder = Responder(BotSettings(allow_everyone=True, **FAST), model, gap_minutes=60)
    channel = RecordingChannel()
    responder.handle(dm(1, "hi"), channel, BOT_ID)
    assert responder.cancel_all() == 1
    await responder.wait_idle()
    assert channel.events == []
