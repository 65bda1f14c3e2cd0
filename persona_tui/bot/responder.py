"""How the bot answers an allowed message, like a person texting.

It waits until the user has stopped sending for `debounce_seconds`, then a random delay,
shows the typing indicator while the model generates, and sends the reply as several
messages with short pauses. It knows Discord only through the channel object it is given
(`typing()` and `send(text)`), so it imports no discord code.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from persona_tui.bot.conversation import Conversation
from persona_tui.bot.limits import DailyCap, PerUserRateLimit
from persona_tui.bot.policy import IncomingMessage, decide
from persona_tui.bot.reply_text import reply_messages
from persona_tui.bot.settings import BotSettings
from persona_tui.chat.history import build_messages

log = logging.getLogger(__name__)

# discord.py 2.7 already retries a 429 itself, up to 5 tries per request (discord/http.py).
# A 429 that still reaches the bot is retried after this wait, or after the error's own
# `retry_after` when it has one.
SEND_ATTEMPTS = 3
RATE_LIMIT_WAIT_SECONDS = 1.0

# The model call: chat-completion messages in, the reply text out.
Generate = Callable[[list[dict[str, str]]], Awaitable[str]]


@dataclass(slots=True)
class Counters:
    """The reply counts for the status file; `changed` is set until the next status write."""

    replies_sent: int = 0
    model_calls: int = 0
    last_error: str | None = None
    changed: bool = False

    def record_error(self, text: str) -> None:
        self.last_error = text
        self.changed = True


@dataclass(slots=True)
class ReplyTiming:
    """The clock of one reply, in `time.perf_counter` seconds, for the benchmark."""

    user_id: int
    planned_wait_seconds: float = 0.0    # debounce, random delay and pauses as configured
    model_seconds: float = 0.0
    finished_at: float = 0.0
    messages_sent: int = 0


@dataclass(slots=True)
class _UserState:
    conversation: Conversation
    task: asyncio.Task[None] | None = None            # the latest reply task
    sending_task: asyncio.Task[None] | None = None    # the task sending messages now, if any
    pending_ids: list[int] = field(default_factory=list)


class Responder:
    def __init__(
        self,
        settings: BotSettings,
        generate: Generate,
        *,
        gap_minutes: float,
        kill_switch: Callable[[], bool] = lambda: False,
        rng: random.Random | None = None,
        on_reply_done: Callable[[ReplyTiming], None] | None = None,
    ) -> None:
        self.settings = settings
        self.generate = generate
        self.gap_minutes = gap_minutes
        self.kill_switch = kill_switch
        self.rng = rng or random.Random()
        self.on_reply_done = on_reply_done
        self.counters = Counters()
        self.rate_limit = PerUserRateLimit(settings.replies_per_user_per_hour)
        self.daily_cap = DailyCap(settings.model_calls_per_day)
        self._users: dict[int, _UserState] = {}

    def handle(self, message: IncomingMessage, channel: Any, bot_user_id: int) -> bool:
        """Take one incoming message; schedule a reply if the policy allows it.

        Returns whether the message will be answered. A new message from the same user
        restarts the wait, so several quick messages get one reply.
        """
        decision = decide(message, self.settings, bot_user_id)
        if not decision.answer:
            log.debug("ignoring message %d from user %d: %s", message.message_id, message.author_id, decision.reason)
            return False

        state = self._users.get(message.author_id)
        if state is None:
            # Keep four times the model's turns, because merged messages make fewer turns.
            max_messages = max(4 * self.settings.max_history_turns, 100)
            state = self._users[message.author_id] = _UserState(Conversation(self.gap_minutes, max_messages))
        state.conversation.add("user", message.content, message.timestamp_ms)
        state.pending_ids.append(message.message_id)

        latest = state.task
        if latest is not None and not latest.done() and latest is not state.sending_task:
            # Still waiting or generating: start over with the new message in the window.
            latest.cancel()
        sending = state.sending_task if state.sending_task is not None and not state.sending_task.done() else None
        state.task = asyncio.get_running_loop().create_task(
            self._reply(message.author_id, channel, state, sending),
            name=f"bot-reply-{message.author_id}",
        )
        return True

    def cancel_all(self) -> int:
        """Cancel every reply in flight (the kill switch); return how many were cancelled."""
        cancelled = 0
        for state in self._users.values():
            for task in {state.task, state.sending_task}:
                if task is not None and not task.done():
                    task.cancel()
                    cancelled += 1
        return cancelled

    async def wait_idle(self) -> None:
        """Wait until no reply is in flight (tests and shutdown)."""
        while True:
            tasks = [
                task
                for state in self._users.values()
                for task in (state.task, state.sending_task)
                if task is not None and not task.done()
            ]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _reply(self, user_id: int, channel: Any, state: _UserState, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            # The previous reply is being sent: let it finish so the messages do not interleave.
            await asyncio.gather(previous, return_exceptions=True)

        timing = ReplyTiming(user_id)
        delay = self.rng.uniform(self.settings.delay_min_seconds, self.settings.delay_max_seconds)
        timing.planned_wait_seconds = self.settings.debounce_seconds + delay
        await asyncio.sleep(self.settings.debounce_seconds)
        await asyncio.sleep(delay)

        message_ids = state.pending_ids
        state.pending_ids = []
        if not self._may_call_model(user_id, message_ids):
            return

        reply = await self._generate_reply(user_id, channel, state, timing)
        if not reply:
            return

        pieces = reply_messages(reply, self.settings.max_reply_chars)
        state.sending_task = asyncio.current_task()
        try:
            await self._send_pieces(user_id, channel, state, pieces, timing)
        finally:
            state.sending_task = None

        timing.finished_at = time.perf_counter()
        if self.on_reply_done is not None:
            self.on_reply_done(timing)

    def _may_call_model(self, user_id: int, message_ids: list[int]) -> bool:
        if self.kill_switch():
            log.info("kill switch is on: not answering user %d (messages %s)", user_id, message_ids)
            return False
        if not self.rate_limit.allow(user_id, time.time()):
            log.warning(
                "user %d reached %d replies per hour: not answering messages %s",
                user_id, self.settings.replies_per_user_per_hour, message_ids,
            )
            return False
        if not self.daily_cap.allow(time.time()):
            log.warning(
                "the daily cap of %d model calls is reached: not answering user %d",
                self.settings.model_calls_per_day, user_id,
            )
            self.counters.record_error(f"daily cap of {self.settings.model_calls_per_day} model calls reached")
            return False
        return True

    async def _generate_reply(self, user_id: int, channel: Any, state: _UserState, timing: ReplyTiming) -> str | None:
        messages = build_messages(
            state.conversation.history(),
            self.settings.system_prompt,
            gap_minutes=self.gap_minutes,
            max_turns=self.settings.max_history_turns,
        )
        self.counters.model_calls += 1
        self.counters.changed = True

        started = time.perf_counter()
        try:
            async with channel.typing():
                reply = await asyncio.wait_for(self.generate(messages), self.settings.model_timeout_seconds)
        except TimeoutError:
            log.warning("the model timed out after %.1f s for user %d", self.settings.model_timeout_seconds, user_id)
            self.counters.record_error(f"model timed out after {self.settings.model_timeout_seconds:g} s")
            reply = self.settings.fallback_reply
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the model client's errors vary by target kind
            log.warning("the model call failed for user %d: %s: %s", user_id, type(error).__name__, error)
            self.counters.record_error(f"model call failed: {type(error).__name__}: {error}")
            reply = self.settings.fallback_reply
        finally:
            timing.model_seconds = time.perf_counter() - started

        log.debug("model reply for user %d: %r", user_id, reply)
        return reply

    async def _send_pieces(self, user_id: int, channel: Any, state: _UserState, pieces: list[str], timing: ReplyTiming) -> None:
        for index, piece in enumerate(pieces):
            if index > 0:
                timing.planned_wait_seconds += self.settings.pause_between_messages_seconds
                await asyncio.sleep(self.settings.pause_between_messages_seconds)
            if self.kill_switch():
                log.info("kill switch is on: dropping the rest of the reply to user %d", user_id)
                return

            sent = await self._send_with_retry(user_id, channel, piece)
            if sent is None:
                return

            timestamp_ms = _timestamp_ms(sent)
            state.conversation.add("assistant", piece, timestamp_ms)
            self.counters.replies_sent += 1
            self.counters.changed = True
            timing.messages_sent += 1

        log.info("answered user %d with %d messages", user_id, len(pieces))


    async def _send_with_retry(self, user_id: int, channel: Any, piece: str) -> Any:
        """Send one message; after a 429 that reached us, wait and try again, up to
        SEND_ATTEMPTS in all. Returns the sent message, or None when sending failed."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await channel.send(piece)
            except Exception as error:  # discord.HTTPException and its subclasses, duck-typed
                rate_limited = getattr(error, "status", None) == 429
                if rate_limited and attempt < SEND_ATTEMPTS:
                    wait = float(getattr(error, "retry_after", None) or RATE_LIMIT_WAIT_SECONDS)
                    log.warning(
                        "Discord rate-limited a message to user %d (attempt %d of %d); retrying in %.1f s",
                        user_id, attempt, SEND_ATTEMPTS, wait,
                    )
                    await asyncio.sleep(wait)
                    continue
                log.warning("sending a message to user %d failed: %s: %s", user_id, type(error).__name__, error)
                self.counters.record_error(f"sending failed: {type(error).__name__}: {error}")
                return None
        return None


def _timestamp_ms(sent: Any) -> int:
    created = getattr(sent, "created_at", None)
    if created is None:
        return int(time.time() * 1000)
    return int(created.timestamp() * 1000)
