"""Limits against runaway cost and abuse: replies per user per hour and model calls per day.

Both take the time as an argument, so the worker passes its clock and tests pass numbers.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timezone


class PerUserRateLimit:
    """A sliding one-hour window of reply times per user."""

    WINDOW_SECONDS = 3600.0

    def __init__(self, replies_per_hour: int) -> None:
        self.replies_per_hour = replies_per_hour
        self._times: dict[int, deque[float]] = {}

    def allow(self, user_id: int, now: float) -> bool:
        """Record a reply to `user_id` at `now` (seconds) and return True, or return False
        without recording when the user already had `replies_per_hour` in the last hour."""
        times = self._times.setdefault(user_id, deque())
        while times and now - times[0] >= self.WINDOW_SECONDS:
            times.popleft()
        if len(times) >= self.replies_per_hour:
            return False
        times.append(now)
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
