"""Time the import, build and dataset export of a DCE export against msgspec decoding it.

Usage:
    python benchmarks/bench_import.py EXPORT.json [--repeat 3] [--steps decode,import]

Each step runs in a child process of its own, so its peak resident memory (ru_maxrss) is
its alone and every run starts cold in the same way. The time is measured inside the
child around the step's product call only (`with stopwatch:`), without interpreter
start-up, module imports, opening the workspace or picking the persona. The baseline,
`decode`, is msgspec decoding the whole file in one call into typed structs that declare
the fields the importer reads. Runs of the steps alternate, and the best of `--repeat`
runs of each is reported, so the ratios come from the same minutes of a shared machine.

Add a step by adding a function `(export_path, workspace_dir, stopwatch) -> None` to
STEPS that runs its timed part inside `with stopwatch:`. Each step after `import` finds
the imported workspace in `workspace_dir`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import msgspec

from persona_tui.gc_pause import cyclic_gc_paused
from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.dataset import export_dataset
from persona_tui.pipeline.settings import PipelineSettings
from persona_tui.sources.importer import import_paths
from persona_tui.workspace import Workspace


# The baseline's structs: the fields the importer reads, declared as the importer's own
# structs in persona_tui/sources/dce_format.py were when this benchmark was written. They
# are kept here, apart from the importer's, so that a change to the importer's structs
# (such as msgspec options that make decoding cheaper) cannot move the baseline.
class CountedItem(msgspec.Struct):
    pass


class User(msgspec.Struct):
    id: str | int
    name: str = ""
    nickname: str | None = None
    isBot: bool = False


class Reference(msgspec.Struct):
    messageId: str | int | None = None
    type: str | None = None


class Interaction(msgspec.Struct):
    id: str | int | None = None


class Message(msgspec.Struct):
    id: str | int
    timestamp: datetime
    author: User
    type: str | int = "Default"
    content: str = ""
    attachments: list[CountedItem] = []
    embeds: list[CountedItem] = []
    stickers: list[CountedItem] = []
    reference: Reference | None = None
    interaction: Interaction | None = None


class Guild(msgspec.Struct, frozen=True):
    id: str | int = "0"
    name: str | None = None


class Channel(msgspec.Struct):
    id: str | int
    type: str | int = "unknown"
    name: str | None = None


class DecodedExport(msgspec.Struct):
    guild: Guild
    channel: Channel
    messages: list[Message]


class Stopwatch:
    """Adds up the time spent inside `with stopwatch:` blocks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds += time.perf_counter() - self._started


def step_decode(export_path: Path, workspace_dir: Path, stopwatch: Stopwatch) -> None:
    with stopwatch:
        msgspec.json.decode(export_path.read_bytes(), type=DecodedExport)


def step_decode_no_gc(export_path: Path, workspace_dir: Path, stopwatch: Stopwatch) -> None:
    # The same decode with the cyclic garbage collector paused, as the import and the
    # build run: shows how much of the baseline is the collector rescanning new structs.
    with cyclic_gc_paused(), stopwatch:
        msgspec.json.decode(export_path.read_bytes(), type=DecodedExport)


def step_import(export_path: Path, workspace_dir: Path, stopwatch: Stopwatch) -> None:
    with Workspace.open(workspace_dir) as workspace, stopwatch:
        report = import_paths(workspace, [export_path])
    if report.failed:
        raise SystemExit(f"import failed: {report.failed[0].error}")


def step_build(export_path: Path, workspace_dir: Path, stopwatch: Stopwatch) -> None:
    with Workspace.open(workspace_dir) as workspace:
        # The persona is the author with the most messages, as in a one-person export.
        persona = workspace.db.execute(
            "SELECT author_id FROM messages GROUP BY author_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        with stopwatch:
            build_samples(workspace, PipelineSettings(persona_author_id=persona))


def step_export(export_path: Path, workspace_dir: Path, stopwatch: Stopwatch) -> None:
    with Workspace.open(workspace_dir) as workspace, stopwatch:
        export_dataset(workspace)


STEPS: dict[str, Callable[[Path, Path, Stopwatch], None]] = {
    "decode": step_decode,
    "decode-no-gc": step_decode_no_gc,
    "import": step_import,
    "build": step_build,
    "export": step_export,
}


def run_child(step: str, export_path: Path, workspace_dir: Path) -> None:
    """Run one step in this process and print its time and peak memory as JSON."""
    stopwatch = Stopwatch()
    STEPS[step](export_path, workspace_dir, stopwatch)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        peak_kb //= 1024
    print(json.dumps({"step": step, "seconds": stopwatch.seconds, "peak_rss_mb": peak_kb / 1024}))


def measure(step: str, export_path: Path, workspace_dir: Path) -> dict:
    """Run one step in a child process and return its time and peak memory."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", step, str(export_path), "--workspace", str(workspace_dir)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_benchmark(export_path: Path, steps: list[str], repeat: int) -> dict[str, dict]:
    """Run every step `repeat` times, alternating, and return the best run of each."""
    best: dict[str, dict] = {}
    for _ in range(repeat):
        workspace_dir = Path(tempfile.mkdtemp(prefix="bench-import-"))
        try:
            for step in steps:
                measured = measure(step, export_path, workspace_dir)
                if step not in best or measured["seconds"] < best[step]["seconds"]:
                    best[step] = measured
        finally:
            shutil.rmtree(workspace_dir, ignore_errors=True)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path, help="a DiscordChatExporter JSON export")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the best is reported (default 3)")
    parser.add_argument("--steps", default="decode,import,build,export",
                        help=f"comma-separated steps to run, from {', '.join(STEPS)} "
                             "(default decode,import,build,export)")
    parser.add_argument("--child", metavar="STEP", help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        run_child(args.child, args.export, args.workspace)
        return

    steps = args.steps.split(",")
    unknown = [step for step in steps if step not in STEPS]
    if unknown:
        raise SystemExit(f"unknown steps {', '.join(unknown)}; choose from {', '.join(STEPS)}")

    size_mb = args.export.stat().st_size / 1e6
    print(f"{args.export} ({size_mb:.1f} MB), best of {args.repeat}", flush=True)
    best = run_benchmark(args.export, steps, args.repeat)
    baseline = best.get("decode", {}).get("seconds")
    for step in steps:
        measured = best[step]
        ratio = f"{measured['seconds'] / baseline:5.2f}x decode" if baseline else ""
        print(f"{step:>12}: {measured['seconds']:7.3f} s  peak RSS {measured['peak_rss_mb']:7.1f} MB  {ratio}")
    if baseline and len(steps) > 1:
        total = sum(best[step]["seconds"] for step in steps if not step.startswith("decode"))
        print(f"       total: {total:7.3f} s = {total / baseline:.2f}x decode (the steps that are not decodes)")


if __name__ == "__main__":
    main()
