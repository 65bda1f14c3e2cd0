"""`persona-tui` without a command: open the terminal app on a workspace."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("app", help="open the terminal app (the default without a command)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="exports to import when the app opens")
    parser.set_defaults(handler=run_app)


def run_app(args: argparse.Namespace) -> int:
    from persona_tui.cli import open_workspace
    from persona_tui.tui.app import PersonaApp

    workspace = open_workspace(args)
    args_paths = getattr(args, "paths", []) or []
    # The app owns the terminal: drop the stderr log handler the CLI set up.
    from persona_tui.logs import configure_logging

    configure_logging(workspace.logs_dir)
    PersonaApp(workspace, import_paths=list(args_paths)).run()
    return 0
