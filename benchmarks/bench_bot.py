"""Benchmark the bot worker: the time it adds to a reply, and its memory over many messages.

Run: .venv/bin/python benchmarks/bench_bot.py [--messages 10000]

Three measurements, all with an instant model stand-in:

1. End to end through discord.py and simcord, 20 users taking turns. simcord runs one
   actor operation at a time (a second concurrent `send_dm` raises "operation overlaps"),
   so the users cannot send at the same instant here. The added time runs from the user's
   `send_dm` call until the bot's last message is in the channel, minus the configured
   delay and the model's time. It includes simcord's own fake REST and gateway work.
2. 20 users at once into the responder, with a channel object that only yields to the
   event loop: the worker's own scheduling cost under concurrency, without discord.py.
3. Memory of the worker's own objects (tracemalloc, persona_tui files only) every 1,000
   messages, 20 users, into the responder. simcord is left out of this run because it
   keeps every message sent, and tracemalloc would charge those strings to the splitter.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import platform
import statistics
import tempfile
import time
import tracemalloc
from contextlib import asynccontextmanager
from pathlib import Path

import simcord

from persona_tui.bot.paths import BotPaths
from persona_tui.bot.policy import IncomingMessage
from persona_tui.bot.responder import Responder
from persona_tui.bot.settings import BotSettings
from persona_tui.bot.worker import BotWorker

USERS = 20
DELAY_SECONDS = 0.05


async def instant_model(messages):
    return "sure thing\nsee you"


def settings(delay: float) -> BotSettings:
    return BotSettings(
        allow_everyone=True,
        debounce_seconds=0.0,
        delay_min_seconds=delay,
        delay_max_seconds=delay,
        pause_between_messages_seconds=0.0,
        replies_per_user_per_hour=1_000_000,
        model_calls_per_day=1_000_000,
    )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def end_to_end(rounds: int) -> list[float]:
    """Return the added milliseconds of each reply through discord.py and simcord."""
    timings = []
    worker = BotWorker(BotPaths(Path(tempfile.mkdtemp()) / "bot"), settings(DELAY_SECONDS), instant_model, gap_minutes=60)
    worker.responder.on_reply_done = timings.append
    client = worker.build_client()
    added = []
    async with simcord.run(client) as env:
        users = [env.create_user(f"user{index}") for index in range(USERS)]
        for round_index in range(rounds):
            for user in users:
                started = time.perf_counter()
                await user.send_dm(f"message {round_index}")
                await worker.responder.wait_idle()
                timing = timings[-1]
                elapsed = timing.finished_at - started
                added.append((elapsed - timing.planned_wait_seconds - timing.model_seconds) * 1000)
    return added


class YieldingChannel:
    @asynccontextmanager
    async def typing(self):
        await asyncio.sleep(0)
        yield

    async def send(self, text):
        await asyncio.sleep(0)
        return None


async def concurrent(rounds: int) -> list[float]:
    """Return the added milliseconds of each reply with 20 users sending at the same instant."""
    added = []
    starts: dict[int, float] = {}

    def done(timing):
        elapsed = timing.finished_at - starts[timing.user_id]
        added.append((elapsed - timing.planned_wait_seconds - timing.model_seconds) * 1000)

    responder = Responder(settings(DELAY_SECONDS), instant_model, gap_minutes=60, on_reply_done=done)
    channel = YieldingChannel()
    message_id = 0
    for round_index in range(rounds):
        for user_id in range(1, USERS + 1):
            message_id += 1
            starts[user_id] = time.perf_counter()
            responder.handle(
                IncomingMessage(message_id, user_id, False, user_id, True, False, "hi", int(time.time() * 1000)),
                channel,
                bot_user_id=0,
            )
        await responder.wait_idle()
    return added


async def memory(total_messages: int) -> list[tuple[int, float]]:
    """Return (messages so far, KiB held by persona_tui objects) every 1,000 messages."""
    responder = Responder(settings(0.0), instant_model, gap_minutes=60)
    channel = YieldingChannel()
    samples = []
    tracemalloc.start()
    for index in range(total_messages):
        user_id = index % USERS + 1
        responder.handle(
            IncomingMessage(index + 1, user_id, False, user_id, True, False, f"message {index}", int(time.time() * 1000)),
            channel,
            bot_user_id=0,
        )
        if user_id == USERS:
            await responder.wait_idle()
        if (index + 1) % 1000 == 0:
            await responder.wait_idle()
            gc.collect()
            snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, "*persona_tui*")])
            samples.append((index + 1, sum(stat.size for stat in snapshot.statistics("filename")) / 1024))
    tracemalloc.stop()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="messages per user for the latency runs")
    parser.add_argument("--messages", type=int, default=10_000, help="messages for the memory run")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, Python {platform.python_version()}")
    for name, runner in (("end to end (simcord, turns)", end_to_end), ("concurrent (responder)", concurrent)):
        added = asyncio.run(runner(args.rounds))
        print(
            f"{name}: {len(added)} replies, added time p50 {statistics.median(added):.2f} ms, "
            f"p95 {percentile(added, 0.95):.2f} ms, max {max(added):.2f} ms"
        )

    samples = asyncio.run(memory(args.messages))
    for count, kib in samples:
        print(f"memory after {count:>6} messages: {kib:8.1f} KiB")


if __name__ == "__main__":
    main()
