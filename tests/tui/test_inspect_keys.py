"""The Inspect tab driven by keyboard over six hand-made samples: what the screen shows and
what the workspace contains afterwards."""

from textual.widgets import Static

from persona_tui.pipeline.sample_store import load_sample
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.help import HelpScreen
from persona_tui.tui.screens.inspect import InspectTab
from persona_tui.tui.widgets.sample_list import SampleList
from persona_tui.tui.widgets.turn_view import TurnView

SIZE = (100, 30)


def progress_text(app) -> str:
    return str(app.query_one("#inspect-progress", Static).content)


def row_text(app, index: int) -> str:
    sample_list = app.query_one(SampleList)
    return sample_list.render_line(index - sample_list.scroll_offset.y).text


def turn_texts(app) -> list[str]:
    return [str(view.content) for view in app.query(TurnView) if view.display]


def status_of(workspace, key: str) -> str:
    return load_sample(workspace, key)[1]


def edited_contents(workspace, key: str) -> list[str] | None:
    edited = load_sample(workspace, key)[2]
    return None if edited is None else [turn.content for turn in edited]


async def test_opens_with_progress_line(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()

        assert progress_text(pilot.app) == "Reviewed 0/6 · accepted 0 · rejected 0 │ all samples: 6"
        assert row_text(pilot.app, 0).startswith("· 23-11-14  2t    how are you")
        assert row_text(pilot.app, 1).startswith("· 23-11-14  2t R1 call me at [PHONE]")
        assert turn_texts(pilot.app) == ["▶ 1. user\nhow are you", "2. Ana (persona)\nfine thanks"]
        assert isinstance(pilot.app.focused, SampleList)


async def test_accept_reject_undo(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "r")
        await pilot.pause()

        assert status_of(review_workspace, sample_keys[0]) == "accepted"
        assert status_of(review_workspace, sample_keys[1]) == "rejected"
        assert progress_text(pilot.app).startswith("Reviewed 2/6 · accepted 1 · rejected 1")
        assert row_text(pilot.app, 0).startswith("✓")
        assert row_text(pilot.app, 1).startswith("✗")
        assert pilot.app.query_one(SampleList).cursor == 2

        await pilot.press("z")
        await pilot.pause()

        assert status_of(review_workspace, sample_keys[1]) == "unreviewed"
        assert progress_text(pilot.app).startswith("Reviewed 1/6 · accepted 1 · rejected 0")
        assert pilot.app.query_one(SampleList).cursor == 1


async def test_move_keys(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        sample_list = pilot.app.query_one(SampleList)
        await pilot.press("j", "j", "down")
        assert sample_list.cursor == 3
        await pilot.press("k", "up")
        assert sample_list.cursor == 1
        await pilot.press("G")
        assert sample_list.cursor == 5
        await pilot.press("g")
        assert sample_list.cursor == 0
        await pilot.press("end", "home", "pagedown")
        assert sample_list.cursor == 5
        await pilot.press("pageup")
        assert sample_list.cursor == 0


async def test_jump_to_unreviewed(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "a", "a", "g")
        await pilot.press("right_square_bracket")
        assert pilot.app.query_one(SampleList).cursor == 3

        await pilot.press("G", "left_square_bracket")
        assert pilot.app.query_one(SampleList).cursor == 4


async def test_undo_redaction_restores_span(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j")
        await pilot.press("greater_than_sign", "greater_than_sign", "x")
        await pilot.pause()

        assert edited_contents(review_workspace, sample_keys[3]) == ["send it to [EMAIL] or 5551234567", "sure"]
        assert turn_texts(pilot.app)[0] == "▶ 1. user\nsend it to [EMAIL] or 5551234567"
        assert row_text(pilot.app, 3).startswith("·*23-11-15")


async def test_show_originals_in_place(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "o")
        await pilot.pause()

        assert turn_texts(pilot.app)[0] == "▶ 1. user\ncall me at [PHONE]=5551234567"


async def test_edit_turn_in_place(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "e")
        await pilot.pause()
        await pilot.press("f7", *"great, you?", "ctrl+s")
        await pilot.pause()

        assert edited_contents(review_workspace, sample_keys[0]) == ["how are you", "great, you?"]
        assert turn_texts(pilot.app)[1] == "▶ 2. Ana (persona)\ngreat, you?"


async def test_redact_selection_as_secret(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("shift+right", "shift+right", "shift+right", "tab", "end", "enter")
        await pilot.pause()

        _sample, _status, edited = load_sample(review_workspace, sample_keys[0])
        assert edited[0].content == "[SECRET] are you"
        redaction = edited[0].redactions[0]
        assert (redaction.start, redaction.end, redaction.redacted_start, redaction.redacted_end) == (0, 3, 0, 8)
        assert redaction.kind == "secret"
        assert turn_texts(pilot.app)[0] == "▶ 1. user\n[SECRET] are you"


async def test_search_and_match_keys(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        sample_list = pilot.app.query_one(SampleList)
        await pilot.press("slash", *"noon", "enter")
        await pilot.pause()
        assert sample_list.cursor == 4
        assert progress_text(pilot.app).endswith("│ /noon: 1")

        await pilot.press("slash", "f7", "backspace")
        await pilot.press("ctrl+a", "ctrl+k", *"YOU", "enter")
        await pilot.pause()
        # 'you' is in samples 0, 2 ('did you see') and 5; the search starts after sample 4.
        assert sample_list.cursor == 5
        await pilot.press("n")
        assert sample_list.cursor == 0
        await pilot.press("n")
        assert sample_list.cursor == 2
        await pilot.press("N", "N")
        assert sample_list.cursor == 5


async def test_filter_rejected_and_redacted(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", "r")
        await pilot.press("f", "down", "down", "down", "enter")
        await pilot.pause()

        sample_list = pilot.app.query_one(SampleList)
        assert sample_list.positions == [0, 1]
        assert progress_text(pilot.app).endswith("│ rejected: 2")

        await pilot.press("f", "down", "enter")
        await pilot.pause()
        assert sample_list.positions == [1, 3]
        assert row_text(pilot.app, 0).startswith("✗ 23-11-14  2t R1 call me")


async def test_bulk_accept_after_confirm(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        assert "Accept all 4 unreviewed samples" in str(pilot.app.screen.query_one("#confirm-question").content)

        await pilot.press("y")
        await pilot.pause()

        assert [status_of(review_workspace, key) for key in sample_keys] == [
            "accepted", "unreviewed", "accepted", "unreviewed", "accepted", "accepted",
        ]
        assert progress_text(pilot.app).startswith("Reviewed 4/6 · accepted 4 · rejected 0")


async def test_bulk_accept_cancelled(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("A", "n")
        await pilot.pause()

        assert [status_of(review_workspace, key) for key in sample_keys] == ["unreviewed"] * 6


async def test_restart_returns_to_sample(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "a")
        await pilot.pause()

    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        sample_list = pilot.app.query_one(SampleList)

        assert sample_list.current_row.key == sample_keys[3]
        assert row_text(pilot.app, 2).startswith("✓")
        assert progress_text(pilot.app).startswith("Reviewed 1/6 · accepted 1")


async def test_help_lists_every_inspect_key(review_workspace):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()

        assert isinstance(pilot.app.screen, HelpScreen)
        descriptions = {description for _keys, description, _pane in pilot.app.screen.rows}
        for binding in InspectTab.BINDINGS + SampleList.BINDINGS:
            assert binding.description in descriptions, binding.description
        assert ("/", "Search", "InspectTab") in pilot.app.screen.rows
        assert ("↓ / j", "Next", "SampleList") in pilot.app.screen.rows

        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_palette_runs_reject(review_workspace, sample_keys):
    async with PersonaApp(review_workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Reject")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()

        assert status_of(review_workspace, sample_keys[0]) == "rejected"
