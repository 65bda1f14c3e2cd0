"""Limits against runaway cost and abuse: replies per user per hour and model calls per day.

Both take the time as an argument, so the worker passes its clock and tests pass numbers.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timezone


class PerUserRateLimit:
    """A sliding one-hour window of replies per user, counted in one-minute buckets.

    The buckets keep memory at 60 counts per user whatever the limit. The price is that a
    reply leaves the window up to 59 s early.
    """

    BUCKET_SECONDS = 60
    BUCKETS = 60

    def __init__(self, replies_per_hour: int) -> None:
        self.replies_per_hour = replies_per_hour
        self._buckets: dict[int, deque[list[int]]] = {}   # user id -> [minute, count] pairs

    def allow(self, user_id: int, now: float) -> bool:
        """Record a reply to `user_id` at `now` (seconds) and return True, or return False
        without recording when the user already had `replies_per_hour` in the last hour."""
        minute = int(now // self.BUCKET_SECONDS)
        buckets = self._buckets.setdefault(user_id, deque())
        while buckets and buckets[0][0] <= minute - self.BUCKETS:
            buckets.popleft()

        if sum(count for _, count in buckets) >= self.replies_per_hour:
            return False
        if buckets and buckets[-1][0] == minute:
            buckets[-1][1] += 1
        else:
            buckets.append([minute, 1])
        return True


class DailyCap:
    """A count of model calls per UTC day, reset when the day changes."""

    def __init__(self, calls_per_day: int) -> None:
        self.calls_per_day = calls_per_day
        self._day: str | None = None
        self.calls_today = 0

    def allow(self, now: float) -> bool:
        """Count one model call at `now` (Unix seconds) and return True, or return False
        without counting when today's cap is reached."""
        day = datetime.fromtimestamp(now, tz=timezone.utc).date().isoformat()
        if day != self._day:
            self._day = day
            self.calls_today = 0
        if self.calls_today >= self.calls_per_day:
            return False
        self.calls_today += 1
        return True
