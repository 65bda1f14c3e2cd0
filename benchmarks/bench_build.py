"""Time `build_samples` + `export_dataset` against msgspec decoding the same export.

Usage:
    .venv/bin/python benchmarks/bench_build.py EXPORT.json --me AUTHOR_ID [--repeat 3]

The export is imported into a fresh workspace first, and the import is not part of the
timed steps. msgspec's decode is the yardstick: the time a fast typed decoder needs just
to read the file, measured in the same run so machine noise affects both sides alike.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.dataset import export_dataset
from persona_tui.pipeline.settings import PipelineSettings, save_settings
from persona_tui.sources.importer import import_paths
from persona_tui.workspace import Workspace


class Author(msgspec.Struct):
    id: str
    name: str
    nickname: str | None = None
    isBot: bool = False


class Message(msgspec.Struct):
    id: str
    type: str
    timestamp: str
    content: str
    author: Author
    attachments: list[msgspec.Raw] = []
    embeds: list[msgspec.Raw] = []
    stickers: list[msgspec.Raw] = []
    interaction: dict | None = None
    reference: dict | None = None


class Channel(msgspec.Struct):
    id: str
    type: str
    name: str | None = None


class Export(msgspec.Struct):
    channel: Channel
    messages: list[Message]


def decode(path: Path) -> Export:
    return msgspec.json.decode(path.read_bytes(), type=Export)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path, help="a DiscordChatExporter JSON file")
    parser.add_argument("--me", type=int, required=True, help="the persona's author id (snowflake)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed step; the minimum is reported")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary, Workspace.open(Path(temporary) / "ws") as workspace:
        _, load_seconds = _timed(lambda: import_paths(workspace, [args.export]))
        save_settings(workspace, PipelineSettings(persona_author_id=args.me))

        # Decode, build and export alternate, so a busy minute on a shared machine slows
        # both sides of the ratio instead of one.
        decode_seconds = build_seconds = export_seconds = float("inf")
        for _ in range(args.repeat):
            decode_seconds = min(decode_seconds, _timed(lambda: decode(args.export))[1])
            result, seconds = _timed(lambda: build_samples(workspace))
            build_seconds = min(build_seconds, seconds)
            dataset, seconds = _timed(lambda: export_dataset(workspace, Path(temporary) / "dataset"))
            export_seconds = min(export_seconds, seconds)

    total = build_seconds + export_seconds
    print(f"file: {args.export} ({args.export.stat().st_size / 1e6:.1f} MB, {result.stats.messages_read:,} messages)")
    print(f"imported in {load_seconds:.2f} s (not timed below)")
    print(f"msgspec decode:  {decode_seconds:.2f} s")
    print(f"build_samples:   {build_seconds:.2f} s ({result.stats.samples:,} samples)")
    print(f"export_dataset:  {export_seconds:.2f} s ({dataset.train_count:,} train, {dataset.validation_count:,} validation)")
    print(f"build + export:  {total:.2f} s = {total / decode_seconds:.2f}x msgspec decode (best of {args.repeat})")
    return 0


def _timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
