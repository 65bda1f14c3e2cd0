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
    from persona_tui.pipeline.dataset import DatasetError, export_dataset

    workspace = open_workspace(args)
    try:
        result = export_dataset(workspace, args.out)
    except DatasetError as error:
        raise CommandError(str(error)) from error

    print(f"Wrote {result.train_count:,} train samples to {result.train_path}")
    if result.validation_path is not None:
        print(f"Wrote {result.validation_count:,} validation samples to {result.validation_path}")
    else:
        print("No sample is in the validation split, so no validation.jsonl was written.")
    print(f"Left out {result.rejected_count:,} rejected samples; estimated tokens: {result.token_estimate:,}")
    for key, errors in result.invalid:
        print(f"Left out sample {key}: {'; '.join(errors)}. Fix it in the Review tab.")
    return 0
