from persona_tui.cli import main


def test_workspace_after_subcommand(tmp_path, samples_dir):
    target = tmp_path / "after"
    assert main(["import", "--no-progress", "-w", str(target), str(samples_dir / "dce-example-guild" / "general.json")]) == 0
    assert (target / "persona.sqlite3").is_file()


def test_workspace_before_subcommand_kept(tmp_path, samples_dir):
    target = tmp_path / "before"
    assert main(["-w", str(target), "import", "--no-progress", str(samples_dir / "dce-example-guild" / "general.json")]) == 0
    assert (target / "persona.sqlite3").is_file()
