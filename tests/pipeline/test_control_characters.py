"""Control characters and ANSI escape sequences are stripped from message text and counted."""

import pytest
from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.markup import MarkupNormaliser
from persona_tui.pipeline.sample_store import list_rows, load_sample
from persona_tui.pipeline.settings import PipelineSettings

PERSONA, FRIEND = 1000, 2000


@pytest.mark.parametrize(("text", "expected", "counts"), [
    ("nul\x00here", "nulhere", {"control_character": 1}),
    ("del\x7fete", "delete", {"control_character": 1}),
    ("bell\x07 and c1\x85", "bell and c1", {"control_character": 2}),
    ("\x1b[1;31mred\x1b[0m text", "red text", {"ansi_escape": 2}),
    ("title\x1b]0;pwned\x07 set", "title set", {"ansi_escape": 1}),
    ("link \x1b]8;;http://x\x1b\\here", "link here", {"ansi_escape": 1}),
    ("lone \x1b here", "lone  here", {"control_character": 1}),
    ("windows\r\nline", "windows\nline", {"control_character": 1}),
    ("tab\tand\nnewline stay", "tab\tand\nnewline stay", {}),
    ("family 👨\u200d👩\u200d👧 stays", "family 👨\u200d👩\u200d👧 stays", {}),
])
def test_normaliser_strips_controls(text, expected, counts):
    normaliser = MarkupNormaliser({}, {})

    assert normaliser.normalise(text) == expected
    assert dict(normaliser.counts) == counts


def test_build_counts_stripped_controls(workspace, store):
    store.conversation([(FRIEND, "hi\x00 there", 0), (PERSONA, "\x1b[32mgreen\x1b[0m\x7f", 1)])

    stats = build_samples(workspace, PipelineSettings(persona_author_id=PERSONA)).stats

    sample = load_sample(workspace, list_rows(workspace)[0].key)[0]
    assert [turn.content for turn in sample.turns] == ["hi there", "green"]
    assert stats.normalised == {"control_character": 2, "ansi_escape": 2}
