"""`persona-tui train` rejects invalid options before any upload, and its progress lines
end with a newline when stdout is not a terminal."""

import pytest

from persona_tui.cli import main
from persona_tui.sandbox.clock import advance_clock
from persona_tui.sandbox.fine_tunes import fine_tunes_state

UPLOAD_PATH = r"/v1/files.*"


def train(workspace, dataset, *options):
    return main(["-w", str(workspace.root), "train", "--model", "Qwen/Qwen3.5-9B", "--train-file", str(dataset[0]),
                 "--validation-file", str(dataset[1]), "--yes", *options])


def uploads(sandbox):
    return [request for request in sandbox.requests_to("POST", UPLOAD_PATH)]


def test_batch_size_word_rejected(sandbox_workspace, dataset, capsys):
    with pytest.raises(SystemExit) as exit_info:
        train(sandbox_workspace, dataset, "--batch-size", "foo")

    assert exit_info.value.code == 2
    assert "invalid batch size 'foo'; write a whole number such as 8, or max" in capsys.readouterr().err


@pytest.mark.parametrize(("options", "problem"), [
    (["--lora-alpha=-1"], "LoRA alpha -1 must be at least 1"),
    (["--lora-alpha", "0"], "LoRA alpha 0 must be at least 1"),
    (["--evals=-1"], "evaluations -1 must be 0 or more."),
    (["--checkpoints", "0"], "checkpoints 0 must be at least 1."),
    (["--patience=-1", "--early-stopping"], "early stopping patience -1 must be at least 1 evaluation."),
    (["--suffix", "../etc"], "suffix '../etc' is invalid: it must start with an ASCII letter or digit"),
    (["--suffix", "a\x1b[31mred"], "suffix 'a\\x1b[31mred' is invalid"),
    (["--suffix", "[bold]x[/bold]"], "suffix '[bold]x[/bold]' is invalid"),
    (["--suffix", ".hidden"], "suffix '.hidden' is invalid"),
    (["--suffix", "a" * 41], f"suffix '{'a' * 41}' is longer than 40 characters."),
])
def test_invalid_option_rejected_before_upload(sandbox_workspace, sandbox, dataset, capsys, options, problem):
    assert train(sandbox_workspace, dataset, *options) == 1

    assert problem in capsys.readouterr().err
    assert uploads(sandbox) == []


@pytest.mark.parametrize("suffix", ["alice", "alice-v2.1_final", "A1", "a" * 40])
def test_valid_suffix_accepted(suffix):
    from persona_tui.training.settings import suffix_problems

    assert suffix_problems(suffix) == []


def test_progress_lines_end_with_newline(sandbox_workspace, sandbox, dataset, capsys):
    assert train(sandbox_workspace, dataset, "--batch-size", "8", "--evals", "5") == 0

    output = capsys.readouterr().out
    upload_lines = [line for line in output.splitlines() if "uploading" in line]
    assert upload_lines
    # One progress report per line: no line holds two reports.
    assert all(line.count("uploading") == 1 for line in upload_lines)
    assert "\r" not in output

    job_id = next(iter(fine_tunes_state(sandbox.state)["jobs"]))
    advance_clock(sandbox.state, 1000)
    assert main(["-w", str(sandbox_workspace.root), "watch", job_id, "--interval", "0.01", "--plain"]) == 0

    watched = capsys.readouterr().out
    assert f"\njob {job_id} ended with status completed\n" in watched
    assert f"Job finishedjob {job_id}" not in watched
