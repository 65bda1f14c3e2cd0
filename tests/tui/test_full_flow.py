"""The whole journey on the bundled demo export by keyboard: import, choose the persona,
build, review, and reopen the app on the same sample."""

import json
from collections import Counter

from textual.widgets import DataTable, Static

from persona_tui.demo import DEMO_PERSONA_ID, demo_export
from persona_tui.pipeline.sample_store import count_samples, list_rows, load_sample
from persona_tui.pipeline.settings import load_settings
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.widgets.sample_list import SampleList

SIZE = (100, 40)


async def finish_work(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def progress_text(app) -> str:
    return str(app.query_one("#inspect-progress", Static).content)


async def test_demo_import_build_review(workspace, tmp_path):
    export = demo_export(tmp_path / "export")
    messages = json.loads(export.read_text(encoding="utf-8"))["messages"]
    per_author = Counter(int(message["author"]["id"]) for message in messages)

    async with PersonaApp(workspace, import_paths=[str(export)]).run_test(size=SIZE) as pilot:
        await finish_work(pilot)
        authors = pilot.app.query_one("#authors", DataTable)
        author_ids = [int(authors.coordinate_to_cell_key((row, 0)).row_key.value) for row in range(authors.row_count)]
        counts = [str(authors.get_row_at(row)[1]) for row in range(authors.row_count)]

        assert sorted(author_ids) == sorted(per_author)
        assert counts == [f"{per_author[author_id]:,}" for author_id in author_ids]

        # Choose the demo persona and build.
        authors.focus()
        await pilot.press(*["down"] * author_ids.index(DEMO_PERSONA_ID), "enter")
        await pilot.pause()
        assert load_settings(workspace).persona_author_id == DEMO_PERSONA_ID
        await pilot.press("b")
        await finish_work(pilot)

        total = count_samples(workspace)
        assert total > 0
        stats_text = str(pilot.app.query_one("#build-stats", Static).content)
        assert f"became {total:,} samples" in stats_text

        # Review: accept the first sample, then undo a redaction in the first redacted one.
        await pilot.press("2")
        await pilot.pause()
        assert progress_text(pilot.app).startswith(f"Reviewed 0/{total:,}")
        await pilot.press("a")
        await pilot.pause()
        first_key = list_rows(workspace, 0, 1)[0].key
        assert load_sample(workspace, first_key)[1] == "accepted"

        await pilot.press("f", "down", "down", "down", "down", "enter")
        await pilot.pause()
        sample_list = pilot.app.query_one(SampleList)
        redacted = [row for row in list_rows(workspace, 0, total) if row.redaction_count]
        assert sample_list.positions == [row.position for row in redacted]

        sample, _status, _edited = load_sample(workspace, sample_list.current_row.key)
        turn_index, turn = next((i, t) for i, t in enumerate(sample.turns) if t.redactions)
        span = turn.redactions[0]
        expected = turn.content[:span.redacted_start] + turn.original[span.start:span.end] + turn.content[span.redacted_end:]
        await pilot.press(*["t"] * turn_index, "greater_than_sign", "x")
        await pilot.pause()

        edited = load_sample(workspace, sample.key)[2]
        assert edited[turn_index].content == expected
        assert len(edited[turn_index].redactions) == len(turn.redactions) - 1
        reviewed_key = sample.key

    # Reopen: the app comes back on the Inspect tab at the same sample, with the edit.
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        sample_list = pilot.app.query_one(SampleList)

        assert pilot.app.query_one("#tabs").active == "tab-inspect"
        assert sample_list.current_row.key == reviewed_key
        assert sample_list.current_row.edited
        assert progress_text(pilot.app).startswith(f"Reviewed 1/{total:,} · accepted 1")
