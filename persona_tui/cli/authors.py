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
    from rich.table import Table

    from persona_tui.cli import open_workspace
    from persona_tui.sources.importer import list_authors

    workspace = open_workspace(args)
    with workspace:
        authors = list_authors(workspace)

    console = Console()
    if not authors:
        console.print("No authors yet: import an export first with `persona-tui import PATH`.")
        return 0

    table = Table(title="Authors")
    # Ids and dates must stay whole so they can be copied; names may wrap.
    table.add_column("id", no_wrap=True, min_width=19)
    table.add_column("name")
    table.add_column("display name")
    table.add_column("bot")
    table.add_column("messages", justify="right", no_wrap=True)
    table.add_column("first", no_wrap=True, min_width=10)
    table.add_column("last", no_wrap=True, min_width=10)
    for author in authors:
        table.add_row(
            str(author.id), author.name, author.display_name or "", "bot" if author.is_bot else "",
            f"{author.message_count:,}", format_day(author.first_ms), format_day(author.last_ms),
        )
    console.print(table)
    return 0
