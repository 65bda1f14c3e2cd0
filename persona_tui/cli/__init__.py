"""The command line: `persona-tui` opens the app, `persona-tui STEP ...` runs one step headless.

Each step lives in its own module under `persona_tui/cli/` with a `register(subparsers)`
function that adds its subcommand and sets `handler` to a function of the parsed
arguments returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import shlex
import sys
from pathlib import Path

from persona_tui import __version__

# The modules that add subcommands, in the order `--help` lists them.
COMMAND_MODULES = [
    "persona_tui.cli.app",
    "persona_tui.cli.importing",
    "persona_tui.cli.authors",
    "persona_tui.cli.build",
    "persona_tui.cli.stats",
    "persona_tui.cli.export_dataset",
    "persona_tui.cli.chat",
    "persona_tui.cli.targets",
    "persona_tui.cli.serve",
    "persona_tui.cli.keys",
    "persona_tui.cli.train",
    "persona_tui.cli.bot",
    "persona_tui.cli.fetch",
    "persona_tui.cli.sandbox",
    "persona_tui.cli.demo",
]


class CommandError(Exception):
    """A failure the user can fix; main() prints the message and exits with status 1."""


def add_workspace_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--workspace", "-w", type=Path, metavar="DIR", default=default,
        help="workspace directory (default: the platform's user data directory, persona-tui/default)",
    )


def add_workspace_option_to_subcommands(parser: argparse.ArgumentParser) -> None:
    """Accept --workspace after any subcommand too (`persona-tui import -w DIR x.json`).

    The subcommands' default is SUPPRESS so that an option given before the subcommand is
    not overwritten by the subcommand's own default of None.
    """
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for subparser in set(action.choices.values()):
            if "--workspace" not in subparser._option_string_actions:
                add_workspace_option(subparser, default=argparse.SUPPRESS)
            add_workspace_option_to_subcommands(subparser)


def command_hint(args: argparse.Namespace, command: str) -> str:
    """Return `persona-tui COMMAND` as the user should type it next, with the --workspace
    they gave, so a copied hint acts on the same workspace."""
    workspace = getattr(args, "workspace", None)
    prefix = f"persona-tui -w {shlex.quote(str(workspace))}" if workspace else "persona-tui"
    return f"{prefix} {command}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="persona-tui",
        description="Turn a Discord message history into a fine-tuned model that texts like a "
        "person, and run it as a Discord bot. Without a command, opens the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"persona-tui {__version__}")
    parser.add_argument("--verbose", "-v", action="store_true", help="print debug logs on stderr")
    add_workspace_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    add_workspace_option_to_subcommands(parser)
    return parser


def open_workspace(args: argparse.Namespace):
    """Open the workspace the arguments name and send logs to its log file."""
    from persona_tui.logs import configure_logging
    from persona_tui.workspace import Workspace, WorkspaceError

    try:
        workspace = Workspace.open(args.workspace)
    except WorkspaceError as error:
        raise CommandError(str(error)) from error
    stderr_level = logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING
    configure_logging(workspace.logs_dir, stderr_level=stderr_level)
    return workspace


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        from persona_tui.cli.app import run_app

        handler = run_app

    try:
        return handler(args) or 0
    except CommandError as error:
        print(f"persona-tui: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("persona-tui: interrupted", file=sys.stderr)
        return 130
