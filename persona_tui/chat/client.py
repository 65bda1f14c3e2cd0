"""The chat client: send a conversation to a model target and get the reply, streamed or whole.

Together targets go through the `together` SDK (imported lazily, because it takes about a
second); OpenAI-compatible servers go through httpx with server-sent events. Every failure
becomes a ChatModelError whose message states what happened and what to do, so
the Chat tab, the CLI and the bot can show it as it is.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import orjson

from persona_tui.chat.targets import ModelTarget

log = logging.getLogger(__name__)

# A streamed reply waits at most this long for the next bytes; a target can set
# settings["timeout_seconds"] to change it (a cold local server may need longer).
DEFAULT_TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 5.0

# One retry covers a passing 5xx or dropped connection. A 429 with a long wait is better
# shown to the user than waited out silently while the pane looks frozen.
MAX_RETRIES = 1


@dataclass(frozen=True, slots=True)
class Sampling:
    temperature: float = 0.8
    top_p: float = 0.9
    max_tokens: int = 256

    def __post_init__(self) -> None:
        if not 0 <= self.temperature <= 2:
            raise ValueError(f"temperature is {self.temperature}; it must be between 0 and 2.")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p is {self.top_p}; it must be above 0 and at most 1.")
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens is {self.max_tokens}; it must be at least 1.")


class ChatModelError(Exception):
    """A failed chat request, with a message meant for the user.

    kind: 'not_ready' (endpoint stopped or starting, server not ready), 'not_serverless',
    'rate_limited', 'timeout', 'connection', 'auth', 'not_found', 'bad_request', 'server'.
    """

    def __init__(self, message: str, *, kind: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after_seconds = retry_after_seconds


# Public entry points ------------------------------------------------------------------

def stream_chat(
    target: ModelTarget,
    messages: list[dict[str, str]],
    *,
    sampling: Sampling,
    api_key: str | None = None,
    base_url: str | None = None,
) -> Iterator[str]:
    """Send `messages` to `target` and yield the reply's text deltas as they arrive.

    `base_url` overrides the target's (tests point it at a loopback server). Raises
    ChatModelError, also part-way through the reply.
    """
    log.info("chat request to target %s (kind %s, %d messages)", target.name, target.kind, len(messages))
    if target.kind == "openai":
        yield from stream_openai(target, messages, sampling, api_key, base_url)
    else:
        yield from stream_together(target, messages, sampling, api_key, base_url)


async def complete_chat_async(
    target: ModelTarget,
    messages: list[dict[str, str]],
    *,
    sampling: Sampling,
    api_key: str | None = None,
    base_url: str | None = None,
) -> str:
    """Send `messages` to `target` and return the whole reply; raise ChatModelError."""
    log.info("chat request to target %s (kind %s, %d messages)", target.name, target.kind, len(messages))
    if target.kind == "openai":
        return await complete_openai_async(target, messages, sampling, api_key, base_url)
    return await complete_together_async(target, messages, sampling, api_key, base_url)


# Together ----------------------------------------------------------------------------

def together_api_key(api_key: str | None) -> str:
    """Return the key to use: the argument, else the stored secret or TOGETHER_API_KEY."""
    if api_key:
        return api_key
    try:
        from persona_tui.secrets import get_secret
    except ImportError:
        # NOTE: until the secrets module lands, only the environment variable is read.
        key = os.environ.get("TOGETHER_API_KEY")
    else:
        key = get_secret("together_api_key")
    if not key:
        raise ChatModelError(
            "No Together API key is set. Set TOGETHER_API_KEY or store the key in the app's "
            "settings, then send again.",
            kind="auth",
        )
    return key


def timeout_for(target: ModelTarget) -> httpx.Timeout:
    seconds = float(target.settings.get("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS)
    return httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT_SECONDS, seconds))


def make_together_client(target: ModelTarget, api_key: str | None, base_url: str | None, *, asynchronous: bool = False):
    import together

    client_class = together.AsyncTogether if asynchronous else together.Together
    return client_class(
        api_key=together_api_key(api_key),
        base_url=base_url or target.base_url,
        max_retries=MAX_RETRIES,
        timeout=timeout_for(target),
    )


def stream_together(target, messages, sampling, api_key, base_url) -> Iterator[str]:
    import together

    client = make_together_client(target, api_key, base_url)
    try:
        stream = client.chat.completions.create(model=target.model, messages=messages, stream=True, **asdict(sampling))
        for chunk in stream:
            for choice in chunk.choices or []:
                content = choice.delta.content if choice.delta else None
                if content:
                    yield content
    except together.APIError as error:
        raise together_error(target, error) from error
    finally:
        client.close()


async def complete_together_async(target, messages, sampling, api_key, base_url) -> str:
    import together

    client = make_together_client(target, api_key, base_url, asynchronous=True)
    try:
        response = await client.chat.completions.create(model=target.model, messages=messages, **asdict(sampling))
        return response.choices[0].message.content or ""
    except together.APIError as error:
        raise together_error(target, error) from error
    finally:
        await client.close()


def together_error(target: ModelTarget, error: Exception) -> ChatModelError:
    """Translate an SDK exception into a ChatModelError for `target`."""
    import together

    if isinstance(error, together.APITimeoutError):
        return timeout_error(target)
    if isinstance(error, together.APIConnectionError):
        return connection_error(target, base_url=target.base_url or "Together's API")
    if isinstance(error, together.APIStatusError):
        return status_error(target, error.status_code, error_message(error.body), error.response.headers)
    # A `data:` line with an error object mid-stream raises a bare APIError.
    log.warning("chat to target %s failed mid-stream: %s", target.name, type(error).__name__)
    return ChatModelError(
        f"{target.model} stopped part-way through the reply: {error}. Send again.", kind="server"
    )


# OpenAI-compatible servers -----------------------------------------------------------

def openai_request(target: ModelTarget, messages, sampling: Sampling, api_key, base_url, *, stream: bool):
    root = (base_url or target.base_url or "").rstrip("/")
    headers = {"Accept": "text/event-stream" if stream else "application/json"}
    # A local server usually needs no key; settings["api_key_env"] names a variable holding one.
    key = api_key
    if not key and target.settings.get("api_key_env"):
        key = os.environ.get(target.settings["api_key_env"])
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = {"model": target.model, "messages": messages, "stream": stream, **asdict(sampling)}
    return f"{root}/chat/completions", headers, body


def stream_openai(target, messages, sampling, api_key, base_url) -> Iterator[str]:
    url, headers, body = openai_request(target, messages, sampling, api_key, base_url, stream=True)
    try:
        with httpx.Client(timeout=timeout_for(target)) as http:
            with http.stream("POST", url, json=body, headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    raise status_error(target, response.status_code, http_error_message(response), response.headers)
                for line in response.iter_lines():
                    delta = parse_sse_line(target, line)
                    if delta is None:
                        return
                    if delta:
                        yield delta
    except httpx.TimeoutException as error:
        raise timeout_error(target) from error
    except httpx.TransportError as error:
        raise connection_error(target, base_url=url) from error


async def complete_openai_async(target, messages, sampling, api_key, base_url) -> str:
    url, headers, body = openai_request(target, messages, sampling, api_key, base_url, stream=False)
    try:
        async with httpx.AsyncClient(timeout=timeout_for(target)) as http:
            response = await http.post(url, json=body, headers=headers)
    except httpx.TimeoutException as error:
        raise timeout_error(target) from error
    except httpx.TransportError as error:
        raise connection_error(target, base_url=url) from error

    if response.status_code >= 400:
        raise status_error(target, response.status_code, http_error_message(response), response.headers)
    try:
        return response.json()["choices"][0]["message"]["content"] or ""
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise ChatModelError(
            f"{url} returned no choices[0].message.content; is it an OpenAI-compatible "
            "chat completions server?", kind="bad_request",
        ) from error


def parse_sse_line(target: ModelTarget, line: str) -> str | None:
    """Return the text delta of one event line, '' for lines without text, None at [DONE]."""
    if not line.startswith("data:"):
        return ""
    data = line[len("data:"):].strip()
    if data == "[DONE]":
        return None
    try:
        event = orjson.loads(data)
    except orjson.JSONDecodeError:
        log.warning("target %s sent an event that is not JSON; skipped", target.name)
        return ""
    if isinstance(event, dict) and event.get("error"):
        raise ChatModelError(
            f"{target.model} stopped part-way through the reply: {error_message(event)}. Send again.",
            kind="server",
        )
    choices = (event.get("choices") or []) if isinstance(event, dict) else []
    return "".join((choice.get("delta") or {}).get("content") or "" for choice in choices)


def http_error_message(response: httpx.Response) -> str:
    try:
        return error_message(response.json())
    except ValueError:
        return response.text[:300]


# Shared error wording ----------------------------------------------------------------

def error_message(body: Any) -> str:
    """Return the human part of an error body: Together's and OpenAI's {"error": {"message"}},
    llama.cpp's and Ollama's {"error": "..."}, vLLM's {"message"} or FastAPI's {"detail"}."""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
        for key in ("message", "detail"):
            if body.get(key):
                return str(body[key])
    return str(body)[:300] if body else "no details"


def retry_after_seconds(headers: Any) -> float | None:
    """Read `retry-after-ms` or `retry-after` (seconds) from response headers."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name) if headers is not None else None
        if value:
            try:
                return float(value) / scale
            except ValueError:
                continue
    return None


def status_error(target: ModelTarget, status: int, detail: str, headers: Any) -> ChatModelError:
    log.warning("chat to target %s failed with HTTP %d", target.name, status)
    where = "Together" if target.kind != "openai" else target.base_url

    if status == 401 or status == 403:
        return ChatModelError(
            f"{where} rejected the API key (HTTP {status}). Check the key in the app's settings "
            "or the environment, then send again.",
            kind="auth",
        )
    if status == 429:
        wait = retry_after_seconds(headers)
        wait_text = f"wait {wait:.1f} s" if wait is not None else "wait a minute"
        return ChatModelError(
            f"{target.model} is rate limited ({detail}); {wait_text} and send again.",
            kind="rate_limited", retry_after_seconds=wait,
        )
    if "non-serverless" in detail:
        if target.kind == "together_endpoint":
            return ChatModelError(
                f"The endpoint {target.model} is not running. Start it with `persona-tui serve deploy`, "
                "wait until it shows STARTED, then send again.",
                kind="not_ready",
            )
        return ChatModelError(
            f"{target.model} is not served serverlessly on Together, which is the case for every "
            "fine-tuned model. Deploy it on a dedicated endpoint (`persona-tui serve deploy JOB_ID`) "
            "or download the adapter and serve it yourself (docs/serving.md).",
            kind="not_serverless",
        )
    if status == 503:
        return ChatModelError(
            f"{where} reports the model {target.model} as overloaded or not ready yet ({detail}); "
            "wait a minute and send again.",
            kind="not_ready",
        )
    if status == 404:
        return ChatModelError(
            f"{where} has no model {target.model} ({detail}). Check the target's model name.",
            kind="not_found",
        )
    if status >= 500:
        return ChatModelError(f"{where} failed with HTTP {status} ({detail}); send again later.", kind="server")
    return ChatModelError(f"{where} rejected the request with HTTP {status}: {detail}", kind="bad_request")


def timeout_error(target: ModelTarget) -> ChatModelError:
    seconds = timeout_for(target).read
    log.warning("chat to target %s timed out after %s s", target.name, seconds)
    return ChatModelError(
        f"{target.model} sent nothing for {seconds:g} s. A cold endpoint or local server can take "
        "minutes to load; wait and send again, or raise the target's timeout_seconds.",
        kind="timeout",
    )


def connection_error(target: ModelTarget, *, base_url: str) -> ChatModelError:
    log.warning("chat to target %s could not connect", target.name)
    return ChatModelError(
        f"Cannot connect to {base_url} for target {target.name}. Check that the server is "
        "running and the base URL is right, then send again.",
        kind="connection",
    )
