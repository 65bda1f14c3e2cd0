"""A persona chosen with `persona-tui build --me` is the persona the app shows and builds with."""

from persona_tui.cli import main
from persona_tui.pipeline.sample_store import count_samples
from persona_tui.pipeline.stats import load_stats
from persona_tui.tui.app import PersonaApp
from persona_tui.workspace import Workspace

SIZE = (100, 40)


async def test_cli_persona_shown_and_built(tmp_path, samples_dir):
    root = tmp_path / "ws"
    dm_export = samples_dir / "dce-chat-analytics" / "DM_2A_2M.json"
    assert main(["import", "--no-progress", "-w", str(root), str(dm_export)]) == 0
    workspace = Workspace.open(root)
    # mlomb is the DM's only human author (see the Export tab test of the same export).
    mlomb_id = workspace.db.execute("SELECT id FROM authors WHERE name = 'mlomb'").fetchone()[0]
    assert main(["build", "-w", str(root), "--me", str(mlomb_id)]) == 0
    workspace.db.execute("DELETE FROM build_stats")
    workspace.db.commit()

    workspace.set_setting("together_base_url", "http://127.0.0.1:9")
    workspace.set_setting("together_sandbox", True)
    workspace.set_setting("tui_active_tab", "export")
    app = PersonaApp(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.sub_title.endswith("persona: mlomb")

        await pilot.press("b")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

        # The build ran again: its statistics, deleted above, are stored anew.
        stats = load_stats(workspace)
        assert stats is not None
        assert stats[0].messages_read == 3
        # The bot's text message is dropped as a bot's and its call notice by type, so
        # mlomb's 'blah' has no reply and gives no sample.
        assert stats[0].dropped["bot"] == 1
        assert stats[0].dropped["type"] == 1
        assert count_samples(workspace) == 0
