"""The dataset writer: train.jsonl and validation.jsonl from the reviewed samples.

Every sample not rejected becomes one line: the system prompt, then its turns (the
reviewer's edit where there is one). Each line is checked against Together's
conversational rules before it is written; a line that fails is left out and reported.
Both files are written atomically and recorded in the `datasets` table.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from persona_tui.pipeline.sample_store import estimate_tokens, now_iso
from persona_tui.pipeline.settings import load_settings
from persona_tui.pipeline.together_format import format_errors
from persona_tui.workspace import Workspace, write_atomically

log = logging.getLogger(__name__)


class DatasetError(Exception):
    """No dataset can be written. The message gives the reason and what to do."""


@dataclass(slots=True)
class DatasetResult:
    dataset_id: int
    train_path: Path
    validation_path: Path | None      # None when no sample is in the validation split
    train_count: int
    validation_count: int
    rejected_count: int               # samples the reviewer rejected, left out
    unreviewed_count: int             # samples written without a review decision
    token_estimate: int               # estimated tokens of every written line
    train_sha256: str
    validation_sha256: str | None
    invalid: list[tuple[str, list[str]]] = field(default_factory=list)   # (sample key, errors) left out


def default_dataset_dir(workspace: Workspace) -> Path:
    """Return a new directory under the workspace's datasets folder, named by UTC time, so
    an export never overwrites the files an earlier fine-tuning job was launched with."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = workspace.datasets_dir / stamp
    suffix = 2
    while candidate.exists():
        candidate = workspace.datasets_dir / f"{stamp}-{suffix}"
        suffix += 1
    return candidate


def export_dataset(workspace: Workspace, out_dir: Path | None = None) -> DatasetResult:
    """Write the samples of the current build that are not rejected as train.jsonl and
    validation.jsonl in `out_dir` (a new folder under the workspace by default).

    Raise DatasetError when there is no build or no sample to write.
    """
    settings = load_settings(workspace)
    system_prompt = settings.system_prompt.strip()
    system_tokens = estimate_tokens(system_prompt) if system_prompt else 0

    cursor = workspace.db.execute(
        "SELECT s.key, s.split, s.turns, r.edited_turns, coalesce(r.status, 'unreviewed') "
        "FROM samples s LEFT JOIN reviews r USING (key) ORDER BY s.position"
    )
    lines: dict[str, list[bytes]] = {"train": [], "validation": []}
    rejected = 0
    unreviewed = 0
    tokens = 0
    invalid: list[tuple[str, list[str]]] = []
    seen = 0
    for key, split, turns_json, edited_json, status in cursor:
        seen += 1
        if status == "rejected":
            rejected += 1
            continue
        if status == "unreviewed":
            unreviewed += 1

        turns = orjson.loads(edited_json if edited_json is not None else turns_json)
        messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
        messages += [{"role": turn["role"], "content": turn["content"]} for turn in turns]
        line = {"messages": messages}
        errors = format_errors(line)
        if errors:
            log.warning("sample %s left out of the dataset: %s", key, "; ".join(errors))
            invalid.append((key, errors))
            continue

        lines[split].append(orjson.dumps(line))
        tokens += system_tokens + sum(estimate_tokens(turn["content"]) for turn in turns)

    if seen == 0:
        raise DatasetError(f"The workspace {workspace.root} has no samples. Run `persona-tui build --me AUTHOR_ID` first.")
    if not lines["train"]:
        raise DatasetError(
            f"No sample is left for train.jsonl ({rejected} rejected, {len(invalid)} invalid, "
            f"{len(lines['validation'])} in validation). Accept more samples or lower the validation share."
        )

    # Absolute, so the recorded paths stay valid whatever directory a later command runs in.
    out_dir = (Path(out_dir) if out_dir is not None else default_dataset_dir(workspace)).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise DatasetError(f"The output path {out_dir} is a file, not a directory. Pass --out with a directory "
                           "(it is created if missing), or leave --out out to use the workspace's datasets folder.")
    train_data = b"\n".join(lines["train"]) + b"\n"
    train_path = out_dir / "train.jsonl"
    validation_path = None
    validation_sha = None
    try:
        write_atomically(train_path, train_data)
        if lines["validation"]:
            validation_data = b"\n".join(lines["validation"]) + b"\n"
            validation_path = out_dir / "validation.jsonl"
            write_atomically(validation_path, validation_data)
            validation_sha = hashlib.sha256(validation_data).hexdigest()
    except OSError as error:
        log.warning("dataset could not be written to %s: %s", out_dir, error)
        raise DatasetError(f"Could not write the dataset to {out_dir}: {error.strerror or error}. Pass --out with "
                           "a directory you can write to.") from error
    train_sha = hashlib.sha256(train_data).hexdigest()

    with workspace.transaction() as db:
        dataset_id = db.execute(
            "INSERT INTO datasets(created_at, train_path, validation_path, train_count, validation_count, "
            "train_sha256, validation_sha256, token_estimate) VALUES (?,?,?,?,?,?,?,?)",
            (now_iso(), str(train_path), str(validation_path) if validation_path else None,
             len(lines["train"]), len(lines["validation"]), train_sha, validation_sha, tokens),
        ).lastrowid

    log.info("dataset %d written to %s: %d train, %d validation, %d rejected, %d invalid",
             dataset_id, out_dir, len(lines["train"]), len(lines["validation"]), rejected, len(invalid))
    return DatasetResult(
        dataset_id=dataset_id, train_path=train_path, validation_path=validation_path,
        train_count=len(lines["train"]), validation_count=len(lines["validation"]),
        rejected_count=rejected, unreviewed_count=unreviewed, token_estimate=tokens, train_sha256=train_sha,
        validation_sha256=validation_sha, invalid=invalid,
    )


def describe_dataset(result: DatasetResult) -> str:
    """Return what the CLI and the app say about a written dataset."""
    lines = [f"Wrote {result.train_count:,} train samples to {result.train_path}"]
    if result.validation_path is not None:
        lines.append(f"Wrote {result.validation_count:,} validation samples to {result.validation_path}")
    else:
        lines.append("No sample is in the validation split, so no validation.jsonl was written.")
    lines.append(f"Left out {result.rejected_count:,} rejected samples; estimated tokens: {result.token_estimate:,}")
    if result.unreviewed_count:
        # Unreviewed samples are trained on, like accepted ones; say so, because a user who
        # reviewed only part of the list may expect the rest to be held back.
        lines.append(f"Included {result.unreviewed_count:,} samples nobody reviewed; reject the ones "
                     "to leave out in the Inspect tab and export again.")
    for key, errors in result.invalid:
        lines.append(f"Left out sample {key}: {'; '.join(errors)}. Fix it in the Inspect tab.")
    return "\n".join(lines)
