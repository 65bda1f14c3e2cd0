"""`persona-tui train`, `jobs`, `watch` and `keys` from the command line, on the sandbox."""

import io

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from persona_tui.cli import main
from persona_tui.sandbox.clock import advance_clock
from persona_tui.sandbox.fine_tunes import fine_tunes_state
from persona_tui.training import job_store


def test_train_jobs_and_watch(sandbox_workspace, sandbox, dataset, capsys):
    root = str(sandbox_workspace.root)
    code = main(["-w", root, "train", "--model", "Qwen/Qwen3.5-9B", "--train-file", str(dataset[0]),
                 "--validation-file", str(dataset[1]), "--batch-size", "8", "--evals", "5",
                 "--suffix", "alice", "--yes"])
    output = capsys.readouterr().out
    assert code == 0
    assert "served afterwards by: dedicated endpoint" in output
    assert "train: 40 samples" in output
    assert "personal data: none found" in output
    assert "SIMULATED" in output

    job_id = next(iter(fine_tunes_state(sandbox.state)["jobs"]))
    assert f"job {job_id} launched" in output

    assert main(["-w", root, "jobs"]) == 0
    assert job_id in capsys.readouterr().out

    advance_clock(sandbox.state, 1000)
    assert main(["-w", root, "watch", job_id, "--interval", "0.01", "--plain"]) == 0
    watched = capsys.readouterr().out
    assert f"job {job_id} ended with status completed" in watched
    assert len(job_store.load_metrics(sandbox_workspace, job_id)) == 15 + 5


def test_train_rejects_unknown_model(sandbox_workspace, dataset, capsys):
    code = main(["-w", str(sandbox_workspace.root), "train", "--model", "nobody/none",
                 "--train-file", str(dataset[0]), "--yes"])
    assert code == 1
    assert "nobody/none is not a fine-tunable chat model" in capsys.readouterr().err


def test_keys_set_reads_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")
    keyring.set_keyring(backend)
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("tgp_v1_fromstdin0123456789abcd\n"))
        assert main(["keys", "set", "together_api_key"]) == 0
        assert main(["keys", "show"]) == 0
        output = capsys.readouterr().out
        assert "tgp_…abcd" in output
        assert "fromstdin" not in output
        assert main(["keys", "delete", "together_api_key"]) == 0
    finally:
        keyring.set_keyring(previous)


def test_train_without_dataset_explains(workspace, capsys):
    workspace.set_setting("together_sandbox", True)
    code = main(["-w", str(workspace.root), "train", "--model", "Qwen/Qwen3.5-9B", "--yes"])
    assert code == 1
    assert "No dataset has been exported yet" in capsys.readouterr().err


def test_train_settles_interrupted_launch(sandbox_workspace, sandbox, dataset, capsys):
    # A launch that died after recording its intent but before Together created a job.
    stale = job_store.record_intent(
        sandbox_workspace, model="Qwen/Qwen3.5-9B", suffix="old", settings={},
        train_file_id="file-never-uploaded", validation_file_id=None, sandbox=True,
    )
    root = str(sandbox_workspace.root)
    assert main(["-w", root, "train", "--model", "Qwen/Qwen3.5-9B", "--train-file", str(dataset[0]),
                 "--validation-file", str(dataset[1]), "--yes"]) == 0

    output = capsys.readouterr().out
    assert "A launch of Qwen/Qwen3.5-9B was interrupted before Together created a job" in output
    assert job_store.job_by_intent(sandbox_workspace, stale.intent_key).status == "failed"
    assert len(fine_tunes_state(sandbox.state)["jobs"]) == 1


def test_follow_hint_names_workspace(sandbox_workspace, sandbox, dataset, capsys):
    root = str(sandbox_workspace.root)
    assert main(["-w", root, "train", "--model", "Qwen/Qwen3.5-9B", "--train-file", str(dataset[0]),
                 "--validation-file", str(dataset[1]), "--yes"]) == 0
    job_id = next(iter(fine_tunes_state(sandbox.state)["jobs"]))
    assert f"Follow it with: persona-tui -w {root} watch {job_id}" in capsys.readouterr().out
