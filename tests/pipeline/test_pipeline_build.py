"""The whole build on small stored histories, with every count worked out by hand."""

import threading

import pytest
from persona_tui.pipeline.build import BuildCancelled, BuildError, build_samples
from persona_tui.pipeline.sample_store import list_rows, load_sample, review_counts, set_status
from persona_tui.pipeline.settings import PipelineSettings, load_settings, save_settings
from persona_tui.pipeline.stats import load_stats, render_stats

# The authors and channel the `store` fixture creates (tests cannot import conftest).
PERSONA, FRIEND, THIRD, BOT, CHANNEL = 1000, 2000, 3000, 4000, 500


def dm_history(store):
    """Store three windows in one DM. The comment on each message gives what it becomes."""
    store.conversation([
        (FRIEND, "hey", 0),                               # window 1, user turn 1
        (FRIEND, "you there?", 1),                        # merged into user turn 1
        (PERSONA, "yeah", 2),                             # assistant turn 1
        (PERSONA, "what's up", 3),                        # merged into assistant turn 1
        (FRIEND, "call me at 415 555 0132", 4),           # user turn 2, one phone redaction
        (PERSONA, "ok <:kekw:123456789012345678>", 5),    # assistant turn 2, one emoji rewrite
        (FRIEND, "bye", 6),                               # trailing user turn, dropped
        (PERSONA, "morning", 126),                        # window 2 after 120 min: leading assistant, dropped
        (FRIEND, "hi", 127),
        (PERSONA, "!play song", 128),                     # command
        (PERSONA, "sup", 130),
        (BOT, "beep", 131),                               # bot
        (FRIEND, "anyone?", 300),                         # window 3: no assistant turn
        (FRIEND, "https://example.com/x", 301),           # url only
    ])
    store.add(PERSONA, "", 129, stickers=1)                # sticker only
    store.add(FRIEND, "Pinned a message.", 132, type="ChannelPinnedMessage")   # type


def build(workspace, **settings):
    stored = load_settings(workspace)
    for name, value in {"persona_author_id": PERSONA, **settings}.items():
        setattr(stored, name, value)
    save_settings(workspace, stored)
    return build_samples(workspace)


def contents(workspace):
    return [[turn.content for turn in load_sample(workspace, row.key)[0].turns] for row in list_rows(workspace)]


def test_dm_samples_and_turns(workspace, store):
    dm_history(store)
    build(workspace)

    assert contents(workspace) == [
        ["hey\nyou there?", "yeah\nwhat's up", "call me at [PHONE]", "ok :kekw:"],
        ["hi", "sup"],
    ]
    first = load_sample(workspace, list_rows(workspace)[0].key)[0]
    assert [turn.role for turn in first.turns] == ["user", "assistant", "user", "assistant"]
    phone_turn = first.turns[2]
    assert phone_turn.original == "call me at 415 555 0132"
    redaction = phone_turn.redactions[0]
    # "call me at " is 11 characters; the number is 12 and the placeholder 7.
    assert (redaction.start, redaction.end, redaction.redacted_start, redaction.redacted_end) == (11, 23, 11, 18)


def test_dm_statistics(workspace, store):
    dm_history(store)
    stats = build(workspace).stats

    assert stats.messages_read == 16
    assert {rule: count for rule, count in stats.dropped.items() if count} == {
        "command": 1, "sticker_only": 1, "bot": 1, "type": 1, "url_only": 1}
    assert stats.messages_kept == 11
    assert stats.persona_messages == 5
    assert stats.normalised == {"emoji": 1}
    assert stats.redactions == {"phone": 1}
    assert stats.windows == 3
    assert stats.windows_without_assistant == 1
    assert stats.leading_assistant_turns == 1
    assert stats.trailing_user_turns == 2
    # Window 1: 7 messages in 5 turns; windows 2 and 3 merge nothing.
    assert stats.merged_messages == 2
    assert stats.samples == 2
    assert stats.turns == 6
    assert stats.train_samples + stats.validation_samples == 2
    assert stats.notes == []
    assert load_stats(workspace)[0] == stats
    assert render_stats(stats).startswith("16 messages became 2 samples")


def test_merged_turn_shifts_spans(workspace, store):
    store.conversation([
        (FRIEND, "mail a@b.io", 0),
        (FRIEND, "or 415 555 0132", 1),
        (PERSONA, "ok", 2),
    ])
    build(workspace)
    turn = load_sample(workspace, list_rows(workspace)[0].key)[0].turns[0]

    assert turn.original == "mail a@b.io\nor 415 555 0132"
    assert turn.content == "mail [EMAIL]\nor [PHONE]"
    # Second message starts at 12 in the original ("mail a@b.io\n") and 13 in the content.
    assert [(r.start, r.end, r.redacted_start, r.redacted_end) for r in turn.redactions] == [
        (5, 11, 5, 12), (15, 27, 16, 23)]
    for redaction in turn.redactions:
        assert turn.content[redaction.redacted_start:redaction.redacted_end] == f"[{redaction.kind.upper()}]"


def test_group_chat_names_speakers(workspace, store):
    store.channel(600, "friends", "group")
    store.conversation([(FRIEND, "hi", 0), (THIRD, "yo", 1), (FRIEND, "sup", 2), (PERSONA, "hey all", 3)], channel=600)
    build(workspace)

    assert contents(workspace) == [["Robin: hi\nthird: yo\nRobin: sup", "hey all"]]


def test_two_speakers_make_group(workspace, store):
    # A channel of no group kind is still a group when two people besides the persona
    # wrote in it. A bot does not count as one of them.
    store.channel(610, "three", "unknown")
    store.channel(620, "pair", "unknown")
    store.conversation([(FRIEND, "hi", 0), (THIRD, "yo", 1), (PERSONA, "hey", 2)], channel=610)
    store.conversation([(FRIEND, "hi", 0), (BOT, "beep", 1), (PERSONA, "hey", 2)], channel=620)
    build(workspace, drop_bots=False)

    assert contents(workspace) == [["Robin: hi\nthird: yo", "hey"], ["hi\nbeep", "hey"]]


def test_group_prefix_setting_off(workspace, store):
    store.channel(600, "friends", "group")
    store.conversation([(FRIEND, "hi", 0), (THIRD, "yo", 1), (PERSONA, "hey", 2)], channel=600)
    build(workspace, group_name_prefix=False)

    assert contents(workspace) == [["hi\nyo", "hey"]]


def test_channels_windowed_separately(workspace, store):
    store.channel(700, "other", "dm")
    store.conversation([(FRIEND, "a", 0), (PERSONA, "b", 1)])
    store.conversation([(FRIEND, "c", 0.5), (PERSONA, "d", 1.5)], channel=700)
    stats = build(workspace).stats

    assert stats.windows == 2
    assert sorted(contents(workspace)) == [["a", "b"], ["c", "d"]]


def test_gap_setting_moves_window_edge(workspace, store):
    store.conversation([(FRIEND, "a", 0), (PERSONA, "b", 1), (FRIEND, "c", 31), (PERSONA, "d", 32)])
    assert build(workspace).stats.samples == 1
    # A 30-minute silence is exactly the gap, so it starts a new window.
    assert build(workspace, gap_minutes=30).stats.samples == 2


def test_token_budget_splits_window(workspace, store):
    # Each turn is 100 characters, estimated at 25 tokens; a pair is 50.
    lines = []
    for index in range(3):
        lines += [(FRIEND, "u" * 100, index * 2), (PERSONA, "a" * 100, index * 2 + 1)]
    store.conversation(lines)

    stats = build(workspace, system_prompt="", max_tokens_per_sample=64).stats
    assert stats.samples == 3
    assert stats.windows_split == 1
    stats = build(workspace, system_prompt="", max_tokens_per_sample=128).stats
    assert stats.samples == 2
    assert [len(turns) for turns in contents(workspace)] == [4, 2]


def test_rebuild_keeps_unchanged_decisions(workspace, store):
    dm_history(store)
    build(workspace)
    first, second = [row.key for row in list_rows(workspace)]
    set_status(workspace, first, "accepted")
    set_status(workspace, second, "rejected")

    # The system prompt is not part of a sample, so every decision survives.
    result = build(workspace, system_prompt="Be brief.")
    assert (result.kept_decisions, result.lost_decisions) == (2, 0)
    assert review_counts(workspace) == {"unreviewed": 0, "accepted": 1, "rejected": 1}

    # Redacting "sup" changes only the second sample's text, so its key and decision go.
    result = build(workspace, redact_exact=[["email", "sup"]])
    assert (result.kept_decisions, result.lost_decisions) == (1, 1)
    assert result.stats.kept_decisions == 1
    assert result.stats.lost_decisions == 1
    rows = list_rows(workspace)
    assert [(row.key == first, row.status) for row in rows] == [(True, "accepted"), (False, "unreviewed")]
    assert review_counts(workspace) == {"unreviewed": 1, "accepted": 1, "rejected": 0}


def test_cancel_leaves_previous_build(workspace, store):
    dm_history(store)
    build(workspace)
    keys = [row.key for row in list_rows(workspace)]
    stats_before = load_stats(workspace)

    cancel = threading.Event()

    def progress(done, total, step):
        if step == "redact":
            cancel.set()

    settings = load_settings(workspace)
    settings.gap_minutes = 1
    with pytest.raises(BuildCancelled):
        build_samples(workspace, settings, progress=progress, cancel=cancel)
    assert [row.key for row in list_rows(workspace)] == keys
    assert load_stats(workspace) == stats_before


def test_progress_reports_each_step(workspace, store):
    dm_history(store)
    steps = []
    build_samples(workspace, PipelineSettings(persona_author_id=PERSONA),
                  progress=lambda done, total, step: steps.append(step))
    assert list(dict.fromkeys(steps)) == ["read", "filter", "redact", "samples", "store", "done"]


def test_one_sided_source_noted(workspace, store):
    store.channel(800, "package dm", "dm")
    store.conversation([(PERSONA, "only me", 0), (PERSONA, "still me", 1)], channel=800, source=2)
    stats = build(workspace).stats

    assert stats.samples == 0
    assert stats.one_sided_persona_messages == 2
    assert len(stats.notes) == 1
    assert "carry no replies" in stats.notes[0]


def test_missing_persona_rejected(workspace, store):
    dm_history(store)
    with pytest.raises(BuildError, match="--me AUTHOR_ID"):
        build_samples(workspace, PipelineSettings())


def test_invalid_setting_rejected(workspace, store):
    with pytest.raises(BuildError, match="gap_minutes"):
        build_samples(workspace, PipelineSettings(persona_author_id=PERSONA, gap_minutes=0))


def test_dm_has_no_name_prefix(workspace, store):
    store.conversation([(FRIEND, "a", 0), (PERSONA, "b", 1)])
    build(workspace)
    assert contents(workspace) == [["a", "b"]]
    assert load_sample(workspace, list_rows(workspace)[0].key)[0].channel_id == CHANNEL


def test_token_estimate_counts_turns_and_prompts(workspace, store):
    dm_history(store)
    # Turns of 14, 14, 18 and 9 characters, then 2 and 3: 4 + 4 + 5 + 3 + 1 + 1 = 18 tokens
    # at one token per four characters, rounded up.
    assert build(workspace, system_prompt="").stats.token_estimate == 18
    # An 8-character prompt is 2 tokens in each of the 2 samples.
    assert build(workspace, system_prompt="abcdefgh").stats.token_estimate == 22


def test_small_chunks_give_same_build(workspace, store, monkeypatch):
    dm_history(store)
    whole = build(workspace).stats
    whole_contents = contents(workspace)

    # Chunks of at least 3 messages cut the 16 messages at the two long silences.
    monkeypatch.setattr("persona_tui.pipeline.build.CHUNK", 3)
    chunked = build(workspace).stats
    assert contents(workspace) == whole_contents
    assert chunked == whole
