"""Sandbox route for chat completions, in JSON and as server-sent events.

Replies look like a person texting (a few short lines) and are a pure function of the
request, so tests can work out the expected text by hand:

- line 1: the first word of the last user message, lower-cased, without punctuation,
  followed by "??" ("Hey, you there?" gives "hey??");
- line 2: REACTIONS[number of words in the last user message % len(REACTIONS)];
- line 3: "(" + the part of the model name after its last "/" + ")".

`max_tokens` cuts the reply after that many whitespace-separated words (finish_reason
"length"). A streamed reply sends one chunk per word with its trailing whitespace.

Keys in `state.data["chat"]["rejected_keys"]` get Together's 401.

Which models answer: the serverless base models in SERVERLESS_MODELS (extendable per
server through `state.data["chat"]["serverless"]`) and the name of every dedicated
endpoint that is STARTED. Any other model gets Together's 400 "Unable to access
non-serverless model", which is what a fine-tune output name gets until it is deployed.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from persona_tui.sandbox.server import Request, Response, SandboxState, error_response, iter_sse, route

SERVERLESS_MODELS = frozenset({
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "Qwen/Qwen2.5-7B-Instruct-Turbo",
})

REACTIONS = ["lol", "wait what", "haha yeah", "ok but why", "same tbh"]


def chat_state(state: SandboxState) -> dict[str, Any]:
    """Return this module's part of the sandbox state: extra serverless models, the delay
    before each reply (for timeout tests) and API keys to reject with 401."""
    return state.data.setdefault("chat", {"serverless": set(), "delay_seconds": 0.0, "rejected_keys": set()})


def reply_text(model: str, messages: list[dict[str, Any]]) -> str:
    """Return the deterministic reply described in the module docstring."""
    last_user = next((m.get("content") or "" for m in reversed(messages) if m.get("role") == "user"), "")
    words = last_user.split()
    first = re.sub(r"[^\w]", "", words[0]).lower() if words else ""
    reaction = REACTIONS[len(words) % len(REACTIONS)]
    return f"{first or 'hm'}??\n{reaction}\n({model.rsplit('/', 1)[-1]})"


def cut_to_max_tokens(text: str, max_tokens: int | None) -> tuple[list[str], str]:
    """Return the reply as word pieces (each with its trailing whitespace), cut to
    `max_tokens` words, and the finish reason."""
    pieces = re.findall(r"\S+\s*", text)
    if max_tokens is not None and len(pieces) > max_tokens:
        return pieces[:max_tokens], "length"
    return pieces, "stop"


def model_is_served(state: SandboxState, model: str) -> bool:
    from persona_tui.sandbox.endpoints import started_endpoint_names

    if model in SERVERLESS_MODELS or model in chat_state(state)["serverless"]:
        return True
    return model in started_endpoint_names(state)


@route("POST", r"/v1/chat/completions")
def create_chat_completion(state: SandboxState, request: Request) -> Response:
    body = request.json() or {}
    model = body.get("model")
    messages = body.get("messages")
    if not isinstance(model, str) or not model:
        return error_response(400, "model is required", "invalid_request_error")
    if not isinstance(messages, list) or not messages:
        return error_response(400, "messages must be a non-empty list", "invalid_request_error")

    with state.lock:
        rejected = request.headers.get("authorization", "").removeprefix("Bearer ") in chat_state(state)["rejected_keys"]
        served = model_is_served(state, model)
        delay = chat_state(state)["delay_seconds"]
        from persona_tui.sandbox.endpoints import note_endpoint_activity

        note_endpoint_activity(state, model)
    if rejected:
        return error_response(401, "Invalid API key provided. You can find your API key at "
                              "https://api.together.xyz/settings/api-keys.", "invalid_api_key")
    if not served:
        return Response(400, {"error": {
            "message": f"Unable to access non-serverless model {model}. Please visit "
            f"https://api.together.ai/models/{model} to create and start a new dedicated endpoint "
            "for the model.",
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_available",
        }})

    if delay:
        time.sleep(delay)

    pieces, finish_reason = cut_to_max_tokens(reply_text(model, messages), body.get("max_tokens"))
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:12]}"
    created = int(time.time())
    prompt_tokens = sum(len(str(m.get("content") or "").split()) for m in messages)

    if body.get("stream"):
        return Response(200, iter_sse(stream_chunks(completion_id, created, model, pieces, finish_reason)))

    return Response(200, {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "finish_reason": finish_reason,
            "message": {"role": "assistant", "content": "".join(pieces)},
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(pieces),
            "total_tokens": prompt_tokens + len(pieces),
        },
    })


def stream_chunks(completion_id: str, created: int, model: str, pieces: list[str], finish_reason: str):
    def chunk(delta: dict[str, Any], reason: str | None) -> dict[str, Any]:
        return {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
        }

    yield chunk({"role": "assistant", "content": ""}, None)
    for piece in pieces:
        yield chunk({"content": piece}, None)
    yield chunk({}, finish_reason)
