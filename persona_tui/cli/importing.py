"""`persona-tui import PATH...`: import exports into the workspace, with a progress bar."""

from __future__ import annotations

import argparse
from pathlib import Path

# Below this many bytes in total the import finishes before a progress bar would help.
PROGRESS_BAR_MIN_BYTES = 8 * 1024 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import DiscordChatExporter JSON exports or Discord's data package",
        description="Import DiscordChatExporter JSON files, folders of them (searched recursively, "
        "partitions and overlapping re-exports included) and Discord data packages (folder or "
        ".zip). The format is detected from the content. Messages already stored are skipped, "
        "so importing a file again adds nothing. Exits with status 1 if any file failed, after "
        "importing the others.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a .json export, a folder, or a data package folder or .zip")
    parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.text import Text

    from persona_tui.cli import open_workspace
    from persona_tui.display import plain_text, printable
    from persona_tui.sources.importer import import_paths

    workspace = open_workspace(args)
    console = Console()
    total = sum(size_of(path) for path in args.paths)
    show_bar = not args.no_progress and console.is_terminal and total >= PROGRESS_BAR_MIN_BYTES

    with workspace:
        if show_bar:
            columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("importing", total=total)

                def on_progress(done: int, run_total: int, path: str) -> None:
                    bar.update(task, completed=done, total=run_total, description=escape(printable(Path(path).name[:40])))

                report = import_paths(workspace, args.paths, progress=on_progress)
        else:
            report = import_paths(workspace, args.paths)

    console.print(report_table(report))
    for result in report.sources:
        if result.error:
            console.print(Text("failed ", style="red") + plain_text(result.error), highlight=False)
    if any(result.one_sided for result in report.sources):
        console.print(
            "Note: data package messages are one-sided (only your own messages, no replies). "
            "Samples need another source, such as a DiscordChatExporter export, for the other side.",
            highlight=False,
        )
    console.print(f"{report.new_messages:,} new messages from {report.messages_read:,} read.", highlight=False)
    return 1 if report.failed else 0


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(child.stat().st_size for child in path.rglob("*") if child.is_file())
    return 0


def report_table(report):
    from rich.table import Table

    from persona_tui.display import plain_text

    table = Table(title="Import")
    table.add_column("source")
    table.add_column("kind")
    table.add_column("status")
    table.add_column("read", justify="right")
    table.add_column("new", justify="right")
    table.add_column("note")
    styles = {"imported": "green", "unchanged": "dim", "failed": "red", "cancelled": "yellow"}
    for result in report.sources:
        table.add_row(
            plain_text(Path(result.path).name),
            result.kind,
            f"[{styles[result.status]}]{result.status}[/]",
            f"{result.messages_read:,}",
            f"{result.new_messages:,}",
            "see below" if result.error else plain_text(result.note or ""),
        )
    return table
