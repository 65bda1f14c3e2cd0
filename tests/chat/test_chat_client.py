"""The chat client against loopback servers: the Together sandbox and an OpenAI-compatible stand-in."""

import socket

import pytest

from persona_tui.chat.client import ChatModelError, Sampling, complete_chat_async, stream_chat
from persona_tui.chat.splitting import split_reply
from persona_tui.chat.targets import ModelTarget

BASE_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"
HELLO = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "Hey, you there?"}]


def base_target(**settings):
    return ModelTarget("base", "together", BASE_MODEL, settings=settings)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_together_reply_streams_in_pieces_and_splits_into_messages(sandbox):
    deltas = list(stream_chat(base_target(), HELLO, sampling=Sampling(), api_key="test", base_url=sandbox.base_url))

    # "Hey, you there?" has 3 words: reaction 3 of the sandbox's list is "ok but why".
    assert len(deltas) == 5
    assert split_reply("".join(deltas)) == ["hey??", "ok but why", "(Meta-Llama-3.1-8B-Instruct-Turbo)"]


async def test_together_async_reply_honours_max_tokens(sandbox):
    reply = await complete_chat_async(
        base_target(), HELLO, sampling=Sampling(max_tokens=2), api_key="test", base_url=sandbox.base_url
    )
    assert reply == "hey??\nok "


def test_request_carries_sampling_settings(openai_server):
    target = ModelTarget("local", "openai", "persona", base_url=openai_server.base_url)
    list(stream_chat(target, HELLO, sampling=Sampling(temperature=0.3, top_p=0.5, max_tokens=7)))
    sent = openai_server.requests[0]
    assert (sent["temperature"], sent["top_p"], sent["max_tokens"], sent["stream"]) == (0.3, 0.5, 7, True)
    assert sent["messages"] == HELLO


def test_fine_tune_output_name_is_not_serverless(sandbox):
    target = ModelTarget("raw", "together", "sandbox-user/Meta-Llama-3.1-8B-Instruct-Reference-alice-1a2b3c4d")
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(target, HELLO, sampling=Sampling(), api_key="test", base_url=sandbox.base_url))
    assert caught.value.kind == "not_serverless"
    assert "dedicated endpoint" in str(caught.value)


def test_rate_limit_tells_the_wait(sandbox):
    # Two faults: the first request and the client's one retry.
    sandbox.inject("POST", "/v1/chat/completions", "rate_limit", times=2, retry_after_ms=300)
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(base_target(), HELLO, sampling=Sampling(), api_key="test", base_url=sandbox.base_url))
    assert caught.value.kind == "rate_limited"
    assert caught.value.retry_after_seconds == 0.3
    assert "wait 0.3 s" in str(caught.value)


def test_timeout_is_reported(sandbox):
    sandbox.state.data["chat"] = {"serverless": set(), "delay_seconds": 1.0, "rejected_keys": set()}
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(base_target(timeout_seconds=0.2), HELLO, sampling=Sampling(), api_key="test",
                         base_url=sandbox.base_url))
    assert caught.value.kind == "timeout"
    assert "0.2 s" in str(caught.value)


def test_bad_key_is_reported_without_the_key(sandbox):
    sandbox.state.data["chat"] = {"serverless": set(), "delay_seconds": 0.0, "rejected_keys": {"sk-wrong-123"}}
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(base_target(), HELLO, sampling=Sampling(), api_key="sk-wrong-123", base_url=sandbox.base_url))
    assert caught.value.kind == "auth"
    assert "sk-wrong-123" not in str(caught.value)


def test_together_connection_refused():
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(base_target(), HELLO, sampling=Sampling(), api_key="test", base_url=closed_port_url()))
    assert caught.value.kind == "connection"


def test_openai_target_streams(openai_server):
    target = ModelTarget("local", "openai", "persona-adapter", base_url=openai_server.base_url)
    deltas = list(stream_chat(target, HELLO, sampling=Sampling()))
    assert deltas == ["yo\n", "what's ", "up"]
    assert split_reply("".join(deltas)) == ["yo", "what's up"]
    assert "Authorization" not in openai_server.headers[0]


async def test_openai_target_async_sends_key_from_named_variable(openai_server, monkeypatch):
    monkeypatch.setenv("LOCAL_LLM_KEY", "local-secret")
    target = ModelTarget("local", "openai", "persona-adapter", base_url=openai_server.base_url,
                         settings={"api_key_env": "LOCAL_LLM_KEY"})
    assert await complete_chat_async(target, HELLO, sampling=Sampling()) == "yo\nwhat's up"
    assert openai_server.headers[0]["Authorization"] == "Bearer local-secret"
    assert openai_server.requests[0]["stream"] is False


def test_openai_unknown_model(openai_server):
    openai_server.status = 404
    openai_server.error_body = {"object": "error", "message": "The model `nope` does not exist.", "code": 404}
    target = ModelTarget("local", "openai", "nope", base_url=openai_server.base_url)
    with pytest.raises(ChatModelError) as caught:
        list(stream_chat(target, HELLO, sampling=Sampling()))
    assert caught.value.kind == "not_found"
    assert "The model `nope` does not exist." in str(caught.value)


async def test_openai_rate_limit_and_server_error(openai_server):
    target = ModelTarget("local", "openai", "persona", base_url=openai_server.base_url)
    openai_server.status = 429
    openai_server.error_body = {"error": "too many requests"}
    with pytest.raises(ChatModelError) as caught:
        await complete_chat_async(target, HELLO, sampling=Sampling())
    assert caught.value.kind == "rate_limited"
    assert "wait a minute" in str(caught.value)

    openai_server.status = 503
    with pytest.raises(ChatModelError) as caught:
        await complete_chat_async(target, HELLO, sampling=Sampling())
    assert caught.value.kind == "not_ready"


async def test_openai_connection_refused():
    target = ModelTarget("local", "openai", "persona", base_url=closed_port_url() + "/v1")
    with pytest.raises(ChatModelError) as caught:
        await complete_chat_async(target, HELLO, sampling=Sampling())
    assert caught.value.kind == "connection"
    with pytest.raises(ChatModelError):
        list(stream_chat(target, HELLO, sampling=Sampling()))


def test_sampling_rejects_out_of_range_values():
    with pytest.raises(ValueError, match="temperature"):
        Sampling(temperature=3)
    with pytest.raises(ValueError, match="top_p"):
        Sampling(top_p=0)
