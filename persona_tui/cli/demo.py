"""`persona-tui demo`: the app on a fresh temporary workspace with the bundled demo export
imported, the demo persona chosen, the samples built and the Together sandbox running."""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from pathlib import Path

from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

DEMO_BASE_TARGET = "base-simulated"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="open the app on a fresh temporary workspace loaded with the bundled demo export",
    )
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary workspace when the app closes (its path is printed)")
    parser.set_defaults(handler=run_demo)


def prepare_demo_workspace(root: Path) -> Workspace:
    """Open a workspace at `root`, import the demo export, choose the demo persona and
    build the samples. Returns the open workspace."""
    from persona_tui.demo import DEMO_PERSONA_ID, demo_export
    from persona_tui.pipeline.build import build_samples
    from persona_tui.pipeline.settings import load_settings, save_settings
    from persona_tui.sources.importer import import_paths

    workspace = Workspace.open(root)
    export = demo_export(root / "demo-export")
    import_paths(workspace, [export])

    row = workspace.db.execute(
        "SELECT coalesce(display_name, name) FROM authors WHERE id = ?", (DEMO_PERSONA_ID,)
    ).fetchone()
    if row is None:
        raise RuntimeError(f"The demo export {export} has no author {DEMO_PERSONA_ID}; the bundled demo is broken.")
    settings = load_settings(workspace)
    settings.persona_author_id = DEMO_PERSONA_ID
    save_settings(workspace, settings)

    build_samples(workspace, settings)
    log.info("demo workspace ready at %s", root)
    return workspace


def run_demo(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError
    from persona_tui.logs import configure_logging
    from persona_tui.tui.app import PersonaApp

    root = Path(tempfile.mkdtemp(prefix="persona-tui-demo-"))
    configure_logging(root / "logs")
    try:
        workspace = prepare_demo_workspace(root)
    except ImportError as error:
        raise CommandError(f"The demo needs the importer and the sample build, which this install lacks ({error}).") from error

    # The Train, Chat and Bot tabs talk to the simulated Together API on loopback, so the
    # demo needs no account and sends nothing to Together.
    from persona_tui.sandbox.demo import start_demo_sandbox

    server = start_demo_sandbox(workspace)

    # A serverless base model of the sandbox, so the Chat tab's prompted-base pane answers
    # at once; the tuned pane gets its target when a simulated job is deployed.
    from persona_tui.chat.targets import ModelTarget, save_target

    save_target(workspace, ModelTarget(DEMO_BASE_TARGET, "together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"))
    try:
        PersonaApp(workspace).run()
    finally:
        server.stop()
        workspace.close()
        if args.keep:
            print(f"persona-tui: the demo workspace is kept at {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
            print("persona-tui: the demo workspace was deleted. Run `persona-tui demo --keep` to keep "
                  "your review decisions and jobs, and reopen them with `persona-tui --workspace DIR`.")
    return 0
