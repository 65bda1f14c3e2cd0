from persona_tui.pipeline.sample import Redaction, Sample, Turn, sample_key
from persona_tui.pipeline import sample_store


def make_sample(channel, texts, started=0):
    turns = [
        Turn(role="user" if i % 2 == 0 else "assistant", content=text, original=text,
             author_id=1 + i % 2, message_ids=[100 + i])
        for i, text in enumerate(texts)
    ]
    return Sample(sample_key(channel, turns), channel, started, started + 1, turns)


def test_key_changes_with_content_only():
    a = make_sample(1, ["hi", "yo"])
    b = make_sample(1, ["hi", "yo"], started=50)
    c = make_sample(1, ["hi", "yo!"])
    assert a.key == b.key
    assert a.key != c.key


def test_rebuild_keeps_unchanged_decisions(workspace):
    first = [make_sample(1, ["a", "b"]), make_sample(2, ["c", "d"]), make_sample(3, ["e", "f"])]
    sample_store.replace_samples(workspace, first)
    sample_store.set_status(workspace, first[0].key, "accepted")
    sample_store.set_status(workspace, first[1].key, "rejected")

    second = [first[0], make_sample(2, ["c", "d changed"]), first[2]]
    result = sample_store.replace_samples(workspace, second)

    assert (result.kept_decisions, result.lost_decisions) == (1, 1)
    assert sample_store.review_counts(workspace) == {"unreviewed": 2, "accepted": 1, "rejected": 0}


def test_rows_and_edits_round_trip(workspace):
    sample = make_sample(7, ["call me at [PHONE]", "ok"])
    sample.turns[0].original = "call me at 415 555 0132"
    sample.turns[0].redactions = [Redaction(11, 23, 11, 18, "phone", "phone:phonenumbers")]
    sample_store.replace_samples(workspace, [sample])

    rows = sample_store.list_rows(workspace)
    assert [(r.position, r.turn_count, r.redaction_count, r.preview, r.status, r.edited) for r in rows] == [
        (0, 2, 1, "call me at [PHONE]", "unreviewed", False)
    ]

    loaded, status, edited = sample_store.load_sample(workspace, sample.key)
    assert loaded.turns[0].redactions[0] == Redaction(11, 23, 11, 18, "phone", "phone:phonenumbers")
    assert edited is None

    changed = [Turn("user", "call me", "call me", 1, [100]), loaded.turns[1]]
    sample_store.save_edited_turns(workspace, sample.key, changed)
    _, _, edited = sample_store.load_sample(workspace, sample.key)
    assert [turn.content for turn in edited] == ["call me", "ok"]
    assert sample_store.list_rows(workspace)[0].edited is True
