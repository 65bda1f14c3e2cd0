"""Retry policy for Together requests: which errors to retry, how long to wait, and how to
report what happened.

Launch and the monitor build their clients with `max_retries=0` and retry here instead,
so each retry is logged, shown to the user, and (for create) preceded by a job-list check.
"""

from __future__ import annotations

from typing import Any

MAX_DELAY_SECONDS = 30.0


def is_retryable(error: BaseException) -> bool:
    """Return True for rate limits, server errors, timeouts and dropped connections."""
    import together

    if isinstance(error, (together.APIConnectionError, together.RateLimitError, together.InternalServerError)):
        return True
    return isinstance(error, together.APIStatusError) and error.status_code in (408, 409)


def retry_delay(error: BaseException, attempt: int, base_seconds: float) -> float:
    """Return the seconds to wait before retry number `attempt` (0-based): the server's
    retry-after-ms or retry-after when it sent one, else exponential backoff."""
    response = getattr(error, "response", None)
    headers: Any = getattr(response, "headers", None) or {}
    try:
        if "retry-after-ms" in headers:
            return min(float(headers["retry-after-ms"]) / 1000, MAX_DELAY_SECONDS)
        if "retry-after" in headers:
            return min(float(headers["retry-after"]), MAX_DELAY_SECONDS)
    except ValueError:
        pass
    return min(base_seconds * 2**attempt, MAX_DELAY_SECONDS)


def describe_error(error: BaseException) -> str:
    """Return a one-line account of a failed request, in the words shown to the user."""
    import together

    if isinstance(error, together.RateLimitError):
        return "Together rate-limited the request (429)"
    if isinstance(error, together.APITimeoutError):
        return "the request to Together timed out"
    if isinstance(error, together.APIConnectionError):
        return "the connection to Together was dropped"
    if isinstance(error, together.APIStatusError):
        return f"Together answered {error.status_code}"
    return f"{type(error).__name__}"
