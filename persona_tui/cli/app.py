"""`persona-tui` without a command: open the terminal app on a workspace."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("app", help="open the terminal app (the default without a command)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="exports to import when the app opens")
    parser.set_defaults(handler=run_app)


def run_app(args: argparse.Namespace) -> int:
    from persona_tui.cli import open_workspace
    from persona_tui.training.client import is_sandbox
    from persona_tui.tui.app import PersonaApp

    workspace = open_workspace(args)
    args_paths = getattr(args, "paths", []) or []
    # The app owns the terminal: drop the stderr log handler the CLI set up.
    from persona_tui.logs import configure_logging

    configure_logging(workspace.logs_dir)

    # A kept demo workspace points at the simulated Together API, which lived in the demo's
    # process; start a new one so its Train, Chat and Bot tabs work again.
    server = None
    if is_sandbox(workspace):
        from persona_tui.sandbox.demo import start_demo_sandbox

        server = start_demo_sandbox(workspace)
    try:
        PersonaApp(workspace, import_paths=list(args_paths)).run()
    finally:
        if server is not None:
            server.stop()
    return 0
