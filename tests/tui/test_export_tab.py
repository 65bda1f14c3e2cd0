"""The Export tab over real exports: import from the command line and the path input,
choose the persona, the settings form, and the errors shown."""

from pathlib import Path

from textual.widgets import DataTable, Input

from persona_tui.pipeline.settings import load_settings, persona_name
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.export import ExportTab
from persona_tui.tui.widgets.path_suggester import complete_path

SIZE = (100, 40)


def table_rows(app, table_id: str) -> list[list[str]]:
    table = app.query_one(table_id, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def finish_work(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_imports_command_line_paths(workspace, samples_dir):
    dm_export = samples_dir / "dce-chat-analytics" / "DM_2A_2M.json"
    app = PersonaApp(workspace, import_paths=[str(dm_export)])
    async with app.run_test(size=SIZE) as pilot:
        await finish_work(pilot)

        # The DM contains three messages: mlomb's 'blah', then two by the bot account.
        assert table_rows(app, "#sources") == [["DM_2A_2M.json", "dce", "3", "3", "ok"]]
        assert table_rows(app, "#authors") == [
            ["Someones nickname (bot)", "2", "2019-01-25", "2020-07-17"],
            ["mlomb", "1", "2019-01-04", "2019-01-04"],
        ]
        assert "3 new messages from 3 read." in str(app.query_one("#work-status").content)


async def test_path_input_imports_and_persona(workspace, samples_dir):
    group_export = samples_dir / "dce-chat-analytics" / "GC_3A_5M.json"
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.focused.id == "sources"

        await pilot.press("i")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*str(group_export), "enter")
        await finish_work(pilot)

        sources = table_rows(pilot.app, "#sources")
        assert [row[0] for row in sources] == ["GC_3A_5M.json"]
        assert sources[0][4] == "ok"
        authors = pilot.app.query_one("#authors", DataTable)
        assert authors.row_count == 3

        # Choose the second author in the list as the persona.
        authors.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        chosen_name = table_rows(pilot.app, "#authors")[1][0]

        assert chosen_name.startswith("★ ")
        assert persona_name(workspace) == chosen_name.removeprefix("★ ")
        assert load_settings(workspace).persona_author_id == int(authors.coordinate_to_cell_key((1, 0)).row_key.value)
        assert pilot.app.sub_title.endswith(f"persona: {chosen_name.removeprefix('★ ')}")


async def test_reimport_adds_nothing(workspace, samples_dir):
    dm_export = samples_dir / "dce-chat-analytics" / "DM_2A_2M.json"
    async with PersonaApp(workspace, import_paths=[str(dm_export)]).run_test(size=SIZE) as pilot:
        await finish_work(pilot)
        pilot.app.query_one(ExportTab).start_import([str(dm_export)])
        await finish_work(pilot)

        assert "0 new messages from 0 read." in str(pilot.app.query_one("#work-status").content)
        assert len(table_rows(pilot.app, "#authors")) == 2


async def test_missing_path_shows_error(workspace, tmp_path):
    missing = tmp_path / "nothing-here.json"
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i", *str(missing), "enter")
        await pilot.pause()

        messages = [notification.message for notification in pilot.app._notifications]
        assert f"{missing} does not exist. Check the path and press Enter again." in messages
        assert table_rows(pilot.app, "#sources") == []


async def test_invalid_file_listed_as_failed(workspace, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    async with PersonaApp(workspace, import_paths=[str(broken)]).run_test(size=SIZE) as pilot:
        await finish_work(pilot)

        sources = table_rows(pilot.app, "#sources")
        assert len(sources) == 1
        assert sources[0][0] == "broken.json"
        assert sources[0][4].startswith("failed: ")
        assert any(n.severity == "error" for n in pilot.app._notifications)


def test_complete_path_file_and_folder(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "general.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")

    assert complete_path(f"{tmp_path}/exp") == f"{tmp_path}/exports/"
    assert complete_path(f"{tmp_path}/exports/g") == f"{tmp_path}/exports/general.json"
    assert complete_path(f"{tmp_path}/no") == f"{tmp_path}/notes.txt"
    assert complete_path(f"{tmp_path}/zzz") is None
    assert complete_path("") is None


def test_complete_path_keeps_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Downloads").mkdir()

    assert complete_path("~/Down") == "~/Downloads/"


def test_samples_exist(samples_dir):
    assert Path(samples_dir / "dce-chat-analytics" / "DM_2A_2M.json").is_file()


async def test_escape_leaves_path_input(workspace):
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i", "escape", "2")
        await pilot.pause()

        assert pilot.app.query_one("#tabs").active == "tab-inspect"


async def test_settings_form_saves_values(workspace):
    from persona_tui.pipeline.settings import load_settings

    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        gap = pilot.app.query_one("#setting-gap_minutes", Input)
        gap.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"30", "tab")
        exact = pilot.app.query_one("#setting-redact_exact", Input)
        exact.focus()
        await pilot.press(*"phone:415 555 0132, email:me@example.org", "ctrl+s")
        await pilot.pause()

        settings = load_settings(workspace)
        assert settings.gap_minutes == 30.0
        assert settings.redact_exact == [["phone", "415 555 0132"], ["email", "me@example.org"]]


async def test_settings_form_rejects_bad_number(workspace):
    from persona_tui.pipeline.settings import load_settings

    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        share = pilot.app.query_one("#setting-validation_share", Input)
        share.focus()
        await pilot.press("ctrl+a", "ctrl+k", *"1.5", "ctrl+s")
        await pilot.pause()

        assert load_settings(workspace).validation_share == 0.1
        errors = [n.message for n in pilot.app._notifications if n.severity == "error"]
        assert len(errors) == 1
        assert "validation_share is 1.5" in errors[0]


async def test_build_without_persona_fails(workspace):
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()

        errors = [n.message for n in pilot.app._notifications if n.severity == "error"]
        assert errors == ["No persona chosen. Select an author in the list and press Enter."]
