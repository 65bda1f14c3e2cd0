"""`persona-tui export-dataset`: write train.jsonl and validation.jsonl of the samples."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-dataset",
        help="write train.jsonl and validation.jsonl of the samples not rejected",
    )
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="directory for the two files (default: a new folder under the workspace's datasets/)")
    parser.set_defaults(handler=run_export_dataset)


def run_export_dataset(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError, open_workspace
    from persona_tui.pipeline.dataset import DatasetError, describe_dataset, export_dataset

    workspace = open_workspace(args)
    try:
        result = export_dataset(workspace, args.out)
    except DatasetError as error:
        raise CommandError(str(error)) from error

    print(describe_dataset(result))
    return 0
