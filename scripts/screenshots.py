"""Regenerate the SVG screenshots of every tab in screenshots/ from the demo workspace.

Run:  .venv/bin/python scripts/screenshots.py [--width 100] [--height 32]

The workspace is prepared as `persona-tui demo` does, in a temporary directory. The
Together base URL points at a closed loopback port, so the Train and Chat tabs show their
offline state and the script sends no request to any host.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from persona_tui.cli.demo import prepare_demo_workspace
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.tabs import TABS

OUTPUT_DIR = Path(__file__).resolve().parent.parent / "screenshots"


async def capture(workspace, tab_id: str, size: tuple[int, int]) -> Path:
    from textual.widgets import Input

    workspace.set_setting("tui_active_tab", tab_id)
    app = PersonaApp(workspace, workspace_label="demo workspace")
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for field in app.query(Input):
            field.cursor_blink = False
        app.clear_notifications()
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{tab_id}.svg", path=str(OUTPUT_DIR)))


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate screenshots/<tab>.svg for every tab.")
    parser.add_argument("--width", type=int, default=100, help="terminal width in columns")
    parser.add_argument("--height", type=int, default=32, help="terminal height in rows")
    args = parser.parse_args()

    OUTPUT_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="persona-tui-screenshots-") as root:
        workspace = prepare_demo_workspace(Path(root))
        workspace.set_setting("together_base_url", "http://127.0.0.1:9")
        workspace.set_setting("together_sandbox", True)
        try:
            for spec in TABS:
                path = asyncio.run(capture(workspace, spec.id, (args.width, args.height)))
                print(f"wrote {path}")
        finally:
            workspace.close()


if __name__ == "__main__":
    main()
