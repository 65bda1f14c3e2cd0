"""Review operations: redaction offsets, edits, bulk accept, filters and search."""

import pytest

from persona_tui.pipeline import review
from persona_tui.pipeline.sample import Redaction, Sample, Turn, sample_key
from persona_tui.pipeline.sample_store import load_sample, replace_samples, review_counts, set_status

# original:  "call 5551234567 or bob@x.io ok"
#             0    5         15   19      27 30
# content:   "call [PHONE] or [EMAIL] ok"
#             0    5      12   16     23 26
ORIGINAL = "call 5551234567 or bob@x.io ok"
CONTENT = "call [PHONE] or [EMAIL] ok"


def redacted_turn() -> Turn:
    return Turn(
        role="user", content=CONTENT, original=ORIGINAL, author_id=1, message_ids=[10],
        redactions=[
            Redaction(5, 15, 5, 12, "phone", "phone:phonenumbers"),
            Redaction(19, 27, 16, 23, "email", "email:pattern"),
        ],
    )


def plain_turn(role: str, text: str, message_id: int) -> Turn:
    return Turn(role=role, content=text, original=text, author_id=2 if role == "assistant" else 1,
                message_ids=[message_id])


def make_sample(position: int, turns: list[Turn]) -> Sample:
    return Sample(sample_key(100, turns), 100, 1_700_000_000_000 + position, 1_700_000_060_000 + position, turns)


@pytest.fixture
def stored(workspace):
    """Four samples: redacted, clean, clean and rejected, clean with 'Grüße "quoted"' text."""
    samples = [
        make_sample(0, [redacted_turn(), plain_turn("assistant", "sure thing", 11)]),
        make_sample(1, [plain_turn("user", "how was the Match", 20), plain_turn("assistant", "we won", 21)]),
        make_sample(2, [plain_turn("user", "lunch?", 30), plain_turn("assistant", "match at noon", 31)]),
        make_sample(3, [plain_turn("user", 'Grüße "quoted"', 40), plain_turn("assistant", "ok", 41)]),
    ]
    replace_samples(workspace, samples)
    set_status(workspace, samples[2].key, "rejected")
    return [sample.key for sample in samples]


def stored_turn(workspace, key, index=0) -> Turn:
    _sample, _status, edited = load_sample(workspace, key)
    assert edited is not None, "the operation did not store edited turns"
    return edited[index]


def test_undo_first_redaction_shifts_second(workspace, stored):
    turn = review.undo_redaction(workspace, stored[0], 0, 0)

    assert turn.content == "call 5551234567 or [EMAIL] ok"
    assert [(r.start, r.end, r.redacted_start, r.redacted_end, r.kind) for r in turn.redactions] == [
        (19, 27, 19, 26, "email"),
    ]
    assert stored_turn(workspace, stored[0]).content == "call 5551234567 or [EMAIL] ok"


def test_undo_last_redaction_keeps_first(workspace, stored):
    turn = review.undo_redaction(workspace, stored[0], 0, 1)

    assert turn.content == "call [PHONE] or bob@x.io ok"
    assert [(r.start, r.end, r.redacted_start, r.redacted_end) for r in turn.redactions] == [(5, 15, 5, 12)]
    assert turn.original == ORIGINAL


def test_undo_both_restores_original(workspace, stored):
    review.undo_redaction(workspace, stored[0], 0, 1)
    turn = review.undo_redaction(workspace, stored[0], 0, 0)

    assert turn.content == ORIGINAL
    assert turn.redactions == []


def test_undo_missing_redaction_rejected(workspace, stored):
    with pytest.raises(review.ReviewError, match="redaction 2 does not exist"):
        review.undo_redaction(workspace, stored[0], 0, 2)


def test_redact_span_at_end(workspace, stored):
    turn = review.redact_span(workspace, stored[0], 0, 24, 26, "secret")

    assert turn.content == "call [PHONE] or [EMAIL] [SECRET]"
    last = turn.redactions[-1]
    assert (last.start, last.end, last.redacted_start, last.redacted_end) == (28, 30, 24, 32)
    assert turn.original[last.start:last.end] == "ok"
    assert last.rule == "user:manual"


def test_redact_span_at_start_shifts_others(workspace, stored):
    turn = review.redact_span(workspace, stored[0], 0, 0, 4, "address")

    assert turn.content == "[ADDRESS] [PHONE] or [EMAIL] ok"
    assert [(r.start, r.end, r.redacted_start, r.redacted_end, r.kind) for r in turn.redactions] == [
        (0, 4, 0, 9, "address"),
        (5, 15, 10, 17, "phone"),
        (19, 27, 21, 28, "email"),
    ]


def test_redact_then_undo_round_trip(workspace, stored):
    review.redact_span(workspace, stored[0], 0, 0, 4, "address")
    turn = review.undo_redaction(workspace, stored[0], 0, 0)

    assert turn.content == CONTENT
    assert [(r.redacted_start, r.redacted_end) for r in turn.redactions] == [(5, 12), (16, 23)]


def test_redact_overlap_rejected(workspace, stored):
    with pytest.raises(review.ReviewError, match="overlaps the phone redaction at 5..12"):
        review.redact_span(workspace, stored[0], 0, 3, 7, "secret")


def test_redact_unknown_kind_rejected(workspace, stored):
    with pytest.raises(review.ReviewError, match="Unknown redaction kind 'name'"):
        review.redact_span(workspace, stored[0], 0, 0, 4, "name")


def test_edit_keeps_untouched_placeholder(workspace, stored):
    turn = review.edit_turn(workspace, stored[0], 0, "hey [PHONE] ok")

    assert turn.content == "hey [PHONE] ok"
    assert turn.original == "hey 5551234567 ok"
    assert [(r.start, r.end, r.redacted_start, r.redacted_end, r.kind) for r in turn.redactions] == [
        (4, 14, 4, 11, "phone"),
    ]
    assert stored_turn(workspace, stored[0]).original == "hey 5551234567 ok"


def test_edit_plain_turn(workspace, stored):
    turn = review.edit_turn(workspace, stored[1], 1, "we won 3-1")

    assert (turn.content, turn.original, turn.redactions) == ("we won 3-1", "we won 3-1", [])
    assert stored_turn(workspace, stored[1], 1).content == "we won 3-1"
    assert stored_turn(workspace, stored[1], 0).content == "how was the Match"


def test_revert_edits_returns_built_turns(workspace, stored):
    review.edit_turn(workspace, stored[1], 1, "we lost")
    review.revert_edits(workspace, stored[1])

    _sample, _status, edited = load_sample(workspace, stored[1])
    assert edited is None


def test_decide_returns_previous_status(workspace, stored):
    assert review.decide(workspace, stored[2], "accepted") == "rejected"
    assert review.decide(workspace, stored[2], "unreviewed") == "accepted"


def test_bulk_accept_only_clean_unreviewed(workspace, stored):
    review.edit_turn(workspace, stored[3], 1, "okay")

    # Only sample 1 is unreviewed, unedited and has no redactions.
    assert review.count_clean_unreviewed(workspace) == 1
    assert review.bulk_accept_clean(workspace) == 1
    assert review.count_clean_unreviewed(workspace) == 0
    assert review_counts(workspace) == {"unreviewed": 2, "accepted": 1, "rejected": 1}
    assert load_sample(workspace, stored[1])[1] == "accepted"


def test_filters_select_positions(workspace, stored):
    review.edit_turn(workspace, stored[3], 1, "okay")
    set_status(workspace, stored[1], "accepted")

    assert review.filtered_positions(workspace, "all") == [0, 1, 2, 3]
    assert review.filtered_positions(workspace, "unreviewed") == [0, 3]
    assert review.filtered_positions(workspace, "accepted") == [1]
    assert review.filtered_positions(workspace, "rejected") == [2]
    assert review.filtered_positions(workspace, "redactions") == [0]
    assert review.filtered_positions(workspace, "edited") == [3]


def test_unknown_filter_rejected(workspace, stored):
    with pytest.raises(review.ReviewError, match="Unknown sample filter 'done'"):
        review.filtered_positions(workspace, "done")


def test_find_position_both_directions(workspace, stored):
    set_status(workspace, stored[1], "accepted")

    assert review.find_position(workspace, 0, status="unreviewed") == 3
    assert review.find_position(workspace, 3, status="unreviewed", backwards=True) == 0
    assert review.find_position(workspace, 3, status="unreviewed") is None
    assert review.find_position(workspace, -1, status="rejected") == 2


def test_search_ignores_case(workspace, stored):
    assert review.search_positions(workspace, "match") == [1, 2]
    assert review.search_positions(workspace, "MATCH", "rejected") == [2]


def test_search_skips_json_field_names(workspace, stored):
    assert review.search_positions(workspace, "content") == []
    assert review.search_positions(workspace, "role") == []


def test_search_quotes_and_non_ascii(workspace, stored):
    assert review.search_positions(workspace, '"quoted"') == [3]
    assert review.search_positions(workspace, "grüße") == [3]


def test_search_sees_edited_text(workspace, stored):
    review.edit_turn(workspace, stored[1], 1, "we won on penalties")

    assert review.search_positions(workspace, "penalties") == [1]


def test_sample_stats_counts_kinds():
    stats = review.sample_stats([redacted_turn(), plain_turn("assistant", "sure thing", 11)])

    assert (stats.turn_count, stats.user_turns, stats.assistant_turns) == (2, 1, 1)
    assert stats.characters == len(CONTENT) + len("sure thing")
    assert stats.token_estimate == (26 + 10 + 3) // 4
    assert stats.redactions_by_kind == {"phone": 1, "email": 1}


def test_rows_at_positions_in_order(workspace, stored):
    set_status(workspace, stored[1], "accepted")

    rows = review.rows_at_positions(workspace, [3, 1])

    assert [(row.position, row.key, row.status) for row in rows] == [
        (1, stored[1], "accepted"),
        (3, stored[3], "unreviewed"),
    ]
    assert rows[0].preview == "how was the Match"
    assert (rows[0].turn_count, rows[0].redaction_count) == (2, 0)


def test_position_of_known_and_unknown(workspace, stored):
    assert review.position_of(workspace, stored[2]) == 2
    assert review.position_of(workspace, "0" * 24) is None
