"""Check that import, build and export-dataset still produce the same bytes on an export.

Usage:
    python benchmarks/check_output.py EXPORT.json --save baseline.json    # before a change
    python benchmarks/check_output.py EXPORT.json --compare baseline.json # after it

The export is imported into a fresh workspace, built with the author who wrote the most
messages as the persona, and exported. The script records the sha256 of the stored
messages, authors and channels, of the stored samples (keys, positions and turn JSON), of
the build statistics, and of train.jsonl and validation.jsonl. `--compare` prints every
digest that differs and exits 1, so a speed-up that changes any output is caught.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.dataset import export_dataset
from persona_tui.pipeline.settings import PipelineSettings
from persona_tui.pipeline.stats import load_stats
from persona_tui.sources.importer import import_paths
from persona_tui.workspace import Workspace


def table_digest(workspace: Workspace, query: str) -> str:
    """Return the sha256 of the query's rows, each written as JSON on its own line. A BLOB
    is written as {"blob": hex}, so a column that changes between TEXT and BLOB counts as
    a change."""
    digest = hashlib.sha256()
    for row in workspace.db.execute(query):
        values = [{"blob": value.hex()} if isinstance(value, bytes) else value for value in row]
        digest.update(json.dumps(values).encode() + b"\n")
    return digest.hexdigest()


def output_digests(export_path: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as temporary, Workspace.open(Path(temporary) / "ws") as workspace:
        report = import_paths(workspace, [export_path])
        if report.failed:
            raise SystemExit(f"import failed: {report.failed[0].error}")

        persona = workspace.db.execute(
            "SELECT author_id FROM messages GROUP BY author_id ORDER BY count(*) DESC, author_id LIMIT 1"
        ).fetchone()[0]
        build_samples(workspace, PipelineSettings(persona_author_id=persona))
        dataset = export_dataset(workspace, Path(temporary) / "dataset")

        stats, _ = load_stats(workspace)
        digests = {
            "messages": table_digest(workspace, "SELECT * FROM messages ORDER BY id"),
            "authors": table_digest(workspace, "SELECT * FROM authors ORDER BY id"),
            "channels": table_digest(workspace, "SELECT * FROM channels ORDER BY id"),
            "samples": table_digest(workspace, "SELECT * FROM samples ORDER BY position"),
            "stats": hashlib.sha256(json.dumps(stats.to_json(), sort_keys=True).encode()).hexdigest(),
            "train.jsonl": hashlib.sha256(dataset.train_path.read_bytes()).hexdigest(),
            "validation.jsonl": hashlib.sha256(
                dataset.validation_path.read_bytes() if dataset.validation_path else b""
            ).hexdigest(),
        }
        print(f"{stats.messages_read:,} messages, {stats.samples:,} samples, "
              f"{dataset.train_count:,} train and {dataset.validation_count:,} validation lines")
        return digests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path, help="a DiscordChatExporter JSON export")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path, metavar="FILE", help="write the digests to FILE (JSON)")
    action.add_argument("--compare", type=Path, metavar="FILE", help="compare the digests with FILE from --save")
    args = parser.parse_args()

    digests = output_digests(args.export)
    if args.save:
        args.save.write_text(json.dumps(digests, indent=2) + "\n")
        print(f"saved {len(digests)} digests to {args.save}")
        return 0

    expected = json.loads(args.compare.read_text())
    changed = [name for name in expected if digests.get(name) != expected[name]]
    for name in changed:
        print(f"changed: {name} (expected {expected[name][:16]}..., got {str(digests.get(name))[:16]}...)")
    if changed:
        return 1
    print(f"all {len(expected)} digests match {args.compare}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
