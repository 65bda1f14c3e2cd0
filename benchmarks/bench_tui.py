"""Benchmarks of the app: startup against a minimal Textual app, opening Inspect on 100,000
samples, and the time from a "next sample" key press to the updated screen.

Run:  .venv/bin/python benchmarks/bench_tui.py [--samples 100000] [--presses 1000] [--starts 10]

Startup is measured in subprocesses, from spawning the interpreter to the app's first
complete frame (headless: the auto-pilot waits until the screen has processed its pending
messages, then draws). Both apps start alternately in
the same run, so the ratio is less sensitive to a busy machine than either time alone.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from persona_tui.pipeline.sample import Redaction, Sample, Turn, sample_key
from persona_tui.pipeline.sample_store import replace_samples
from persona_tui.workspace import Workspace

# Each app prints the wall-clock time once its screen has processed every pending message
# and drawn a frame, then leaves at once, so workers still running do not count.
MINIMAL_APP = """
import os, sys, time
from textual.app import App
from textual.widgets import Footer, Header

class Minimal(App):
    def compose(self):
        yield Header()
        yield Footer()

async def leave(pilot):
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()
    print(time.time(), flush=True)
    os._exit(0)

Minimal().run(headless=True, auto_pilot=leave)
"""

PERSONA_APP = """
import os, sys, time
from persona_tui.workspace import Workspace
from persona_tui.tui.app import PersonaApp

async def leave(pilot):
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()
    print(time.time(), flush=True)
    os._exit(0)

PersonaApp(Workspace.open(sys.argv[1])).run(headless=True, auto_pilot=leave)
"""


def keep_on_loopback(workspace: Workspace) -> None:
    """Point the Train and Chat tabs at a closed loopback port, so the benchmark sends no
    request to any host."""
    workspace.set_setting("together_base_url", "http://127.0.0.1:9")
    workspace.set_setting("together_sandbox", True)


def synthetic_samples(count: int) -> list[Sample]:
    """Return `count` samples of four turns each; every tenth has a phone redaction."""
    samples = []
    for index in range(count):
        if index % 10 == 0:
            first = Turn("user", "call me at [PHONE] later", "call me at 5551234567 later", 1, [index * 4],
                         [Redaction(11, 21, 11, 18, "phone", "phone:phonenumbers")])
        else:
            first = Turn("user", f"message number {index} about the weekend", f"message number {index} about the weekend",
                         1, [index * 4])
        turns = [
            first,
            Turn("assistant", "sounds good\nsee you then", "sounds good\nsee you then", 2, [index * 4 + 1]),
            Turn("user", "what time works", "what time works", 1, [index * 4 + 2]),
            Turn("assistant", "after six", "after six", 2, [index * 4 + 3]),
        ]
        started = 1_600_000_000_000 + index * 7_200_000
        samples.append(Sample(sample_key(9, turns), 9, started, started + 600_000, turns))
    return samples


def press_next(app) -> None:
    """Send a "j" key event the way Pilot does, without Pilot's idle waits (at least 20 ms
    each, which would measure the harness rather than the app)."""
    from textual import events

    event = events.Key("j", "j")
    event.set_sender(app)
    app._driver.send_message(event)


def time_start(code: str, *args: str) -> float:
    """Return seconds from spawning the interpreter to the app's first frame."""
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1]) - started


def bench_startup(workspace_dir: Path, starts: int) -> dict[str, float]:
    minimal, persona = [], []
    # One warm-up start of each fills the OS file cache.
    time_start(MINIMAL_APP)
    time_start(PERSONA_APP, str(workspace_dir))
    for _ in range(starts):
        minimal.append(time_start(MINIMAL_APP))
        persona.append(time_start(PERSONA_APP, str(workspace_dir)))
    return {
        "minimal_median_s": statistics.median(minimal),
        "persona_median_s": statistics.median(persona),
        "ratio": statistics.median(persona) / statistics.median(minimal),
    }


async def bench_inspect(workspace: Workspace, presses: int) -> dict[str, float]:
    from persona_tui.tui.app import PersonaApp
    from persona_tui.tui.screens.inspect import InspectTab
    from persona_tui.tui.widgets.sample_list import SampleList

    workspace.set_setting("tui_active_tab", "inspect")
    workspace.set_setting("inspect_current_key", None)
    app = PersonaApp(workspace)

    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first_frame = time.perf_counter() - started

        # Opening Inspect again: counts, the filtered positions and the first page of rows.
        tab = app.query_one(InspectTab)
        reload_started = time.perf_counter()
        tab.reload_samples()
        await pilot.pause()
        reload_seconds = time.perf_counter() - reload_started

        sample_list = app.query_one(SampleList)
        sample_list.focus()
        await pilot.pause()
        latencies = []
        for index in range(1, presses + 1):
            expected_key = sample_list.row_at(index).key
            pressed = time.perf_counter()
            press_next(app)
            # The key is handled once the detail pane shows the next sample. The frame is
            # then laid out and rendered at once, not on the refresh timer.
            while tab.current_key() != expected_key:
                await asyncio.sleep(0)
            app.screen._on_timer_update()
            latencies.append(time.perf_counter() - pressed)
        assert sample_list.cursor == presses, f"the cursor is at {sample_list.cursor}, expected {presses}"

    latencies.sort()
    return {
        "app_with_samples_first_frame_s": first_frame,
        "inspect_reload_s": reload_seconds,
        "key_mean_ms": statistics.fmean(latencies) * 1000,
        "key_p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "key_max_ms": latencies[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000, help="samples in the Inspect workspace")
    parser.add_argument("--presses", type=int, default=1000, help="'next sample' key presses to time")
    parser.add_argument("--starts", type=int, default=10, help="timed starts of each app")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown cpu'}, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")

    with tempfile.TemporaryDirectory() as empty_dir:
        with Workspace.open(empty_dir) as empty:
            keep_on_loopback(empty)
        for name, value in bench_startup(Path(empty_dir), args.starts).items():
            print(f"startup {name}: {value:.3f}")

    with tempfile.TemporaryDirectory() as big_dir:
        workspace = Workspace.open(big_dir)
        keep_on_loopback(workspace)
        built = time.perf_counter()
        replace_samples(workspace, synthetic_samples(args.samples))
        print(f"stored {args.samples:,} samples in {time.perf_counter() - built:.1f} s")
        for name, value in asyncio.run(bench_inspect(workspace, args.presses)).items():
            print(f"inspect {name}: {value:.3f}")
        workspace.close()


if __name__ == "__main__":
    main()
