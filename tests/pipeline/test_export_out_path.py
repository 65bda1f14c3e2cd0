"""export-dataset with an --out path it cannot write to fails with a message, not a traceback."""

from persona_tui.cli import main
from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.settings import PipelineSettings, save_settings

PERSONA, FRIEND = 1000, 2000


def built(workspace, store):
    store.conversation([(FRIEND, "hi", 0), (PERSONA, "hey", 1)])
    settings = PipelineSettings(persona_author_id=PERSONA, validation_share=0)
    save_settings(workspace, settings)
    build_samples(workspace, settings)


def test_out_is_existing_file(workspace, store, tmp_path, capsys):
    built(workspace, store)
    target = tmp_path / "taken"
    target.write_text("keep me", encoding="utf-8")

    assert main(["export-dataset", "-w", str(workspace.root), "--out", str(target)]) == 1

    error = capsys.readouterr().err
    assert f"The output path {target} is a file, not a directory." in error
    assert "Pass --out with a directory" in error
    assert target.read_text(encoding="utf-8") == "keep me"


def test_out_under_proc_is_unwritable(workspace, store, capsys):
    built(workspace, store)

    assert main(["export-dataset", "-w", str(workspace.root), "--out", "/proc/nope"]) == 1

    error = capsys.readouterr().err
    assert "Could not write the dataset to /proc/nope: " in error
    assert "Pass --out with a directory you can write to." in error
    assert workspace.db.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0


def test_out_new_directory_works(workspace, store, tmp_path, capsys):
    built(workspace, store)
    target = tmp_path / "new" / "dir"

    assert main(["export-dataset", "-w", str(workspace.root), "--out", str(target)]) == 0

    assert (target / "train.jsonl").read_text(encoding="utf-8").count("\n") == 1
