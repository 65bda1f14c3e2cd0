"""Saved conversations, the window each pane sends, targets, and the prompted-comparison prompt."""

import pytest

from persona_tui.chat import session
from persona_tui.chat.prompted import build_prompted_system_prompt
from persona_tui.chat.targets import ModelTarget, TargetError, delete_target, get_target, list_targets, save_target
from persona_tui.pipeline.sample import Sample, Turn
from persona_tui.pipeline.sample_store import replace_samples, save_edited_turns, set_status

MINUTE = 60_000


def test_targets_round_trip(workspace):
    save_target(workspace, ModelTarget("local", "openai", "persona", base_url="http://127.0.0.1:8000/v1"))
    saved = save_target(workspace, ModelTarget("base", "together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"))
    assert saved.id is not None
    assert [target.name for target in list_targets(workspace)] == ["base", "local"]
    assert get_target(workspace, "local").base_url == "http://127.0.0.1:8000/v1"

    delete_target(workspace, "local")
    with pytest.raises(TargetError, match="known: base"):
        get_target(workspace, "local")
    with pytest.raises(TargetError, match="base URL"):
        save_target(workspace, ModelTarget("bad", "openai", "persona"))
    with pytest.raises(TargetError, match="endpoint id"):
        save_target(workspace, ModelTarget("bad", "together_endpoint", "x/y"))


def test_conversation_is_saved_and_windowed_per_pane(workspace):
    workspace.set_setting("pipeline", {"system_prompt": "text like sam", "gap_minutes": 30})
    chat_id = session.create_chat(workspace, "first")
    session.add_user_message(workspace, chat_id, "old topic", created_ms=0)
    session.save_message(workspace, chat_id, 0, "tuned", "ok", created_ms=1 * MINUTE)
    # 45 minutes of silence: past the 30-minute gap, so a new window starts here.
    seq = session.add_user_message(workspace, chat_id, "hey", created_ms=46 * MINUTE)
    session.save_message(workspace, chat_id, seq, "tuned", "yo\nwhat's up", created_ms=47 * MINUTE)
    session.save_message(workspace, chat_id, seq, "base", "Hello! How can I help?", created_ms=47 * MINUTE)
    latest = session.add_user_message(workspace, chat_id, "not much", created_ms=48 * MINUTE)

    assert session.messages_for_pane(workspace, chat_id, "tuned") == [
        {"role": "system", "content": "text like sam"},
        {"role": "user", "content": "hey"},
        {"role": "assistant", "content": "yo\nwhat's up"},
        {"role": "user", "content": "not much"},
    ]
    assert session.messages_for_pane(workspace, chat_id, "base", system_prompt_text="P")[2] == {
        "role": "assistant", "content": "Hello! How can I help?"}

    # Regenerating exchange 1 sends the window up to its user message, without its old reply.
    assert session.messages_for_pane(workspace, chat_id, "tuned", up_to_seq=seq) == [
        {"role": "system", "content": "text like sam"},
        {"role": "user", "content": "hey"},
    ]

    assert latest == 2
    assert [(c.title, c.exchange_count) for c in session.list_chats(workspace)] == [("first", 3)]
    assert session.clear_chat(workspace, chat_id) == 6
    assert session.load_messages(workspace, chat_id) == []


def test_default_system_prompt(workspace):
    assert session.system_prompt(workspace).startswith("You are texting a friend on Discord.")


def make_sample(index: int, friend: str, reply: str) -> Sample:
    turns = [
        Turn("user", friend, friend, author_id=2, message_ids=[index * 10]),
        Turn("assistant", reply, reply, author_id=1, message_ids=[index * 10 + 1]),
    ]
    return Sample(f"key{index:02d}", channel_id=5, started_ms=index, ended_ms=index + 1, turns=turns)


def test_prompted_prompt_uses_accepted_samples_only(workspace):
    samples = [
        make_sample(0, "u up?", "yeah\njust got home"),      # accepted
        make_sample(1, "secret plans", "Never.\nTell."),     # rejected
        make_sample(2, "pizza?", "omg yes"),                 # accepted, then edited
        make_sample(3, "movie tonight", "cant\nwork"),       # accepted
    ]
    replace_samples(workspace, samples)
    for key in ("key00", "key02", "key03"):
        set_status(workspace, key, "accepted")
    set_status(workspace, "key01", "rejected")
    edited = [Turn("user", "pizza?", "pizza?", 2, [20]), Turn("assistant", "omg yes\nplease", "omg yes", 1, [21])]
    save_edited_turns(workspace, "key02", edited)

    prompt = build_prompted_system_prompt(workspace, "BASE", example_count=2)

    # Messages of accepted replies: "yeah", "just got home", "omg yes", "please", "cant", "work"
    # = 1+3+2+1+1+1 = 9 words over 6 messages (1.5, rounded to 2), in 3 turns (2 in a row),
    # all lower case, none ending with a full stop. Two examples spread over three
    # exchanges take indexes 0*3//2 = 0 and 1*3//2 = 1.
    assert prompt == "\n".join([
        "BASE",
        "",
        "How you text: They send short messages of about 2 words, usually 2 in a row. "
        "They write mostly in lower case. They rarely end a message with a full stop.",
        "",
        "Examples of how you reply (each line of a reply is a separate message):",
        "",
        "Friend: u up?",
        "You:",
        "yeah\njust got home",
        "",
        "Friend: pizza?",
        "You:",
        "omg yes\nplease",
        "",
        "Reply only with your messages, one per line.",
    ])
    assert "secret plans" not in prompt


def test_prompted_prompt_without_accepted_samples_is_the_base_prompt(workspace):
    assert build_prompted_system_prompt(workspace, "BASE") == "BASE"
