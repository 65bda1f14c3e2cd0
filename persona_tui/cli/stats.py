"""`persona-tui stats`: print the statistics of the latest build."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("stats", help="print what the latest build read, dropped, changed and produced")
    parser.set_defaults(handler=run_stats)


def run_stats(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError, open_workspace
    from persona_tui.pipeline.stats import load_stats, render_stats

    workspace = open_workspace(args)
    loaded = load_stats(workspace)
    if loaded is None:
        raise CommandError(f"The workspace {workspace.root} has no build yet. Run `persona-tui build --me AUTHOR_ID`.")
    stats, built_at = loaded
    print(f"Built at {built_at}")
    print(render_stats(stats))
    return 0
