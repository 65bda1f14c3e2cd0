"""Control characters in message text are shown as visible escapes, never sent to the terminal."""

from persona_tui.pipeline.sample import Sample, sample_key
from persona_tui.pipeline.sample_store import replace_samples
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.widgets.sample_list import SampleList
from persona_tui.tui.widgets.turn_view import TurnView

from .conftest import BASE_MS, turn


async def test_escape_sequences_shown_escaped(workspace):
    turns = [turn("user", "\x1b]0;pwned\x07 hi \x1b[2J", 1), turn("assistant", "[bold]ok[/bold]", 2)]
    replace_samples(workspace, [Sample(sample_key(7, turns), 7, BASE_MS, BASE_MS + 1, turns)])
    workspace.set_setting("tui_active_tab", "inspect")

    async with PersonaApp(workspace).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        row = pilot.app.query_one(SampleList).render_line(0).text
        turns_shown = [str(view.content) for view in pilot.app.query(TurnView) if view.display]

    assert "\x1b" not in row
    assert "\\x1b]0;pwned\\x07 hi" in row  # the list row is cut to the pane width
    assert any("\\x1b]0;pwned\\x07 hi \\x1b[2J" in text for text in turns_shown)
    assert any("[bold]ok[/bold]" in text for text in turns_shown)
    assert not any("\x1b" in text for text in turns_shown)
