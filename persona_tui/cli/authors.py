"""`persona-tui authors`: who is in the imported history, to choose the persona."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "authors",
        help="list the authors of the imported messages with their counts",
        description="List every author of the imported messages: id (pass it to build --me), "
        "names, message count and the UTC dates of their first and last message.",
    )
    parser.set_defaults(handler=run_authors)


def format_day(timestamp_ms: int | None) -> str:
    if timestamp_ms is None:
        return ""
    # Workspaces imported before timestamps were range-checked can hold dates that
    # datetime cannot represent; show the raw value instead of failing.
    try:
        return datetime.fromtimestamp(timestamp_ms / 1000, UTC).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        return f"{timestamp_ms} ms"


def run_authors(args: argparse.Namespace) -> int:
    from rich.console import Console

    from persona_tui.cli import open_workspace
    from persona_tui.display import plain_text
    from persona_tui.sources.importer import list_authors

    workspace = open_workspace(args)
    with workspace:
        authors = list_authors(workspace)

    console = Console()
    if not authors:
        console.print("No authors yet: import an export first with `persona-tui import PATH`.")
        return 0

    # Two lines per author rather than a table: the id (passed to build --me) never wraps,
    # and names of any length stay readable in an 80-column terminal.
    for author in authors:
        dates = f"{format_day(author.first_ms)} to {format_day(author.last_ms)}"
        bot = "  bot" if author.is_bot else ""
        console.print(f"{author.id}  {author.message_count:,} messages  {dates}{bot}", highlight=False)
        names = plain_text(author.name)
        if author.display_name and author.display_name != author.name:
            names += plain_text(f" ({author.display_name})")
        console.print(plain_text("  ") + names, highlight=False)
    return 0
