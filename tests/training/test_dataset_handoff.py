"""The training step finds the files the dataset export wrote, from any working directory."""

from persona_tui.cli import main
from persona_tui.training.datasets import latest_dataset
from persona_tui.workspace import Workspace


def test_relative_workspace_export_found(tmp_path, samples_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    export = str(samples_dir / "dce-example-guild" / "chill-talk.json")
    assert main(["import", "--no-progress", "-w", "ws", export]) == 0
    # Adam (521486476985155645) writes most of chill-talk.json, so his replies make samples.
    assert main(["build", "-w", "ws", "--me", "521486476985155645", "--validation-share", "0"]) == 0
    assert main(["export-dataset", "-w", "ws"]) == 0

    monkeypatch.chdir(tmp_path.parent)
    with Workspace.open(tmp_path / "ws") as workspace:
        train, validation = latest_dataset(workspace)
    assert train.is_absolute()
    assert train.is_file()
    assert train.read_text().count("\n") >= 1
