"""The dataset writer and the train/validation split."""

import hashlib

import orjson
import pytest

from persona_tui.cli import main
from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.dataset import DatasetError, describe_dataset, export_dataset
from persona_tui.pipeline.sample import Turn
from persona_tui.pipeline.sample_store import list_rows, save_edited_turns, set_status
from persona_tui.pipeline.settings import PipelineSettings, save_settings
from persona_tui.pipeline.split import assign_split
from persona_tui.pipeline.together_format import format_errors

PERSONA, FRIEND = 1000, 2000    # authors the `store` fixture creates


def five_windows(store):
    """Five windows two hours apart, each one exchange: "q0"/"a0" ... "q4"/"a4"."""
    for index in range(5):
        store.conversation([(FRIEND, f"q{index}", index * 120), (PERSONA, f"a{index}", index * 120 + 1)])


def build(workspace, **settings):
    save_settings(workspace, PipelineSettings(persona_author_id=PERSONA, **settings))
    return build_samples(workspace)


def read_lines(path):
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_lines_follow_together_rules(workspace, store, tmp_path):
    five_windows(store)
    build(workspace, system_prompt="Be Robin's friend.", validation_share=0)
    result = export_dataset(workspace, tmp_path)

    lines = read_lines(result.train_path)
    assert len(lines) == 5
    for line in lines:
        assert format_errors(line) == []
    assert lines[0] == {"messages": [
        {"role": "system", "content": "Be Robin's friend."},
        {"role": "user", "content": "q0"},
        {"role": "assistant", "content": "a0"},
    ]}
    assert result.validation_path is None
    assert not (tmp_path / "validation.jsonl").exists()


def test_rejected_left_out_and_edits_used(workspace, store, tmp_path):
    five_windows(store)
    build(workspace, system_prompt="", validation_share=0)
    keys = [row.key for row in list_rows(workspace)]
    set_status(workspace, keys[1], "rejected")
    save_edited_turns(workspace, keys[2], [
        Turn("user", "q2 edited", "q2", FRIEND), Turn("assistant", "a2 edited", "a2", PERSONA)])

    result = export_dataset(workspace, tmp_path)
    contents = [[message["content"] for message in line["messages"]] for line in read_lines(result.train_path)]
    assert contents == [["q0", "a0"], ["q2 edited", "a2 edited"], ["q3", "a3"], ["q4", "a4"]]
    assert result.rejected_count == 1
    assert result.train_count == 4
    # keys[2] is edited but still unreviewed, like keys[0], keys[3] and keys[4].
    assert result.unreviewed_count == 4
    assert "Included 4 samples nobody reviewed" in describe_dataset(result)


def test_invalid_edit_left_out_and_reported(workspace, store, tmp_path):
    five_windows(store)
    build(workspace, system_prompt="", validation_share=0)
    key = list_rows(workspace)[0].key
    save_edited_turns(workspace, key, [Turn("user", "only a question", "q0", FRIEND)])

    result = export_dataset(workspace, tmp_path)
    assert result.train_count == 4
    assert result.invalid == [(key, ["the last turn must be an assistant turn"])]


def test_dataset_recorded_with_checksums(workspace, store, tmp_path):
    five_windows(store)
    build(workspace, system_prompt="", validation_share=0.5)
    result = export_dataset(workspace, tmp_path)

    row = workspace.db.execute(
        "SELECT train_path, validation_path, train_count, validation_count, train_sha256, validation_sha256, "
        "token_estimate FROM datasets WHERE id = ?", (result.dataset_id,)).fetchone()
    train_bytes = (tmp_path / "train.jsonl").read_bytes()
    validation_bytes = (tmp_path / "validation.jsonl").read_bytes()
    assert row[0] == str(tmp_path / "train.jsonl")
    assert row[1] == str(tmp_path / "validation.jsonl")
    assert row[2] + row[3] == 5
    assert row[2] == len(train_bytes.splitlines())
    assert row[3] == len(validation_bytes.splitlines())
    assert row[4] == hashlib.sha256(train_bytes).hexdigest()
    assert row[5] == hashlib.sha256(validation_bytes).hexdigest()
    # Ten turns of two characters: (2 + 3) // 4 = 1 token each.
    assert row[6] == 10


def test_split_follows_key_hash(workspace, store):
    five_windows(store)
    build(workspace, validation_share=0.5)
    for row in list_rows(workspace):
        expected = "validation" if int(row.key[:8], 16) < 0.5 * 2**32 else "train"
        assert row.split == expected


def test_split_is_stable_across_rebuilds(workspace, store):
    five_windows(store)
    build(workspace, validation_share=0.3)
    first = {row.key: row.split for row in list_rows(workspace)}
    build(workspace, validation_share=0.3, system_prompt="Another prompt")
    assert {row.key: row.split for row in list_rows(workspace)} == first


def test_split_share_on_many_keys():
    keys = [hashlib.blake2b(str(index).encode(), digest_size=12).hexdigest() for index in range(10_000)]
    validation = sum(assign_split(key, 0.1) == "validation" for key in keys)
    # A uniform hash puts 1,000 expected in validation; 3 standard deviations is 90.
    assert 910 <= validation <= 1090
    assert assign_split("00000000aaaa", 0.1) == "validation"
    assert assign_split("ffffffffaaaa", 0.1) == "train"
    assert assign_split("00000000aaaa", 0) == "train"


def test_no_samples_rejected(workspace):
    with pytest.raises(DatasetError, match="has no samples"):
        export_dataset(workspace)


def test_all_rejected_rejected(workspace, store):
    five_windows(store)
    build(workspace, validation_share=0)
    for row in list_rows(workspace):
        set_status(workspace, row.key, "rejected")
    with pytest.raises(DatasetError, match="5 rejected"):
        export_dataset(workspace)


def test_cli_build_stats_export(workspace, store, tmp_path, capsys):
    five_windows(store)
    root = str(workspace.root)

    assert main(["--workspace", root, "build", "--me", str(PERSONA), "--validation-share", "0",
                 "--redact-exact", "phone:q3", "--no-group-name-prefix"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("10 messages became 5 samples (5 train, 0 validation).")
    assert "phone: 1" in output

    assert main(["--workspace", root, "stats"]) == 0
    assert "10 messages became 5 samples" in capsys.readouterr().out

    out_dir = tmp_path / "out"
    assert main(["--workspace", root, "export-dataset", "--out", str(out_dir)]) == 0
    assert "Wrote 5 train samples" in capsys.readouterr().out
    third = read_lines(out_dir / "train.jsonl")[3]["messages"]
    assert [message["content"] for message in third[1:]] == ["[PHONE]", "a3"]


def test_cli_rejects_bad_exact_string(workspace, capsys):
    assert main(["--workspace", str(workspace.root), "build", "--me", "1", "--redact-exact", "nokind"]) == 1
    assert "--redact-exact 'nokind' is invalid" in capsys.readouterr().err
