"""`persona-tui build`: turn the stored messages into training samples."""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys

from persona_tui.pipeline.sample import PLACEHOLDERS
from persona_tui.pipeline.settings import PipelineSettings, setting_fields

# Settings whose command-line form differs from `--name-with-dashes VALUE`.
LIST_SETTINGS = {"keep_types", "redact_kinds", "phone_regions"}
METAVARS = {"gap_minutes": "MINUTES", "max_tokens_per_sample": "TOKENS", "system_prompt": "TEXT",
            "validation_share": "FRACTION", "command_prefixes": "CHARS"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build",
        help="clean, redact and cut the stored messages into training samples",
        description="Build training samples from the imported messages. Every option changes one "
        "stored setting; options left out keep their stored value (the default on the first build).",
    )
    for setting in setting_fields():
        _add_setting_option(parser, setting.name, setting.description, setting.unit, setting.default)
    parser.set_defaults(handler=run_build)


def _add_setting_option(parser: argparse.ArgumentParser, name: str, description: str, unit: str, default) -> None:
    flag = "--" + name.replace("_", "-")
    help_text = description + (f" ({unit})" if unit else "")
    if name == "persona_author_id":
        parser.add_argument("--me", dest=name, type=int, metavar="AUTHOR_ID", help=help_text)
    elif name == "redact_exact":
        parser.add_argument(flag, dest=name, action="append", metavar="KIND:TEXT",
                            help=help_text + "; repeat for several, and the list replaces the stored one")
    elif isinstance(default, bool):
        parser.add_argument(flag, dest=name, action=argparse.BooleanOptionalAction,
                            help=f"{help_text} (default: {'on' if default else 'off'})")
    elif name in LIST_SETTINGS:
        parser.add_argument(flag, dest=name, metavar="A,B,...",
                            help=f"{help_text}, comma-separated (default: {','.join(default)})")
    elif isinstance(default, float):
        parser.add_argument(flag, dest=name, type=finite_float, metavar=METAVARS.get(name, "VALUE"),
                            help=f"{help_text} (default: {default})")
    else:
        parser.add_argument(flag, dest=name, type=type(default), metavar=METAVARS.get(name, "VALUE"),
                            help=f"{help_text} (default: {default})")


def finite_float(text: str) -> float:
    """Parse a float option, rejecting nan and infinity, which no setting can use."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}; write a decimal number such as 30 or 0.1") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"invalid number {text!r}; the value must be finite (not nan or inf)")
    return value


def settings_from_args(stored: PipelineSettings, args: argparse.Namespace) -> PipelineSettings:
    """Return the stored settings with every option the user passed applied."""
    from persona_tui.cli import CommandError

    changes = {}
    for item in dataclasses.fields(PipelineSettings):
        value = getattr(args, item.name, None)
        if value is None:
            continue
        if item.name in LIST_SETTINGS:
            flag = "--" + item.name.replace("_", "-")
            value = [part.strip() for part in value.split(",")]
            if not all(value):
                raise CommandError(f"{flag} {getattr(args, item.name)!r} has an empty entry; write the values "
                                   "separated by single commas, e.g. A,B.")
        elif item.name == "redact_exact":
            pairs = []
            for entry in value:
                kind, separator, text = entry.partition(":")
                if not separator or kind not in PLACEHOLDERS or not text.strip():
                    raise CommandError(
                        f"--redact-exact {entry!r} is invalid: write KIND:TEXT with KIND one of "
                        f"{', '.join(PLACEHOLDERS)}, e.g. --redact-exact 'phone:415 555 0132'."
                    )
                pairs.append([kind, text])
            value = pairs
        changes[item.name] = value
    return dataclasses.replace(stored, **changes)


def run_build(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from persona_tui.cli import CommandError, open_workspace
    from persona_tui.pipeline.build import BuildError, build_samples
    from persona_tui.pipeline.settings import load_settings, save_settings
    from persona_tui.pipeline.stats import render_stats

    workspace = open_workspace(args)
    settings = settings_from_args(load_settings(workspace), args)
    problems = settings.validate()
    if problems:
        raise CommandError("Invalid build settings: " + " ".join(problems))

    # Checked before storing, so a mistyped --me does not replace the stored persona.
    _check_persona_wrote(workspace, settings.persona_author_id)
    save_settings(workspace, settings)

    columns = (TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
               TimeElapsedColumn())
    with Progress(*columns, console=_stderr_console(), transient=True) as bar:
        task = bar.add_task("read", total=1)

        def progress(done: int, total: int, step: str) -> None:
            bar.update(task, description=step, completed=done, total=max(total, 1))

        try:
            result = build_samples(workspace, settings, progress=progress)
        except BuildError as error:
            raise CommandError(str(error)) from error

    print(render_stats(result.stats))
    return 0


def _check_persona_wrote(workspace, persona_id: int | None) -> None:
    """Raise CommandError when the chosen persona wrote none of the stored messages, since
    the build would then make no samples."""
    from persona_tui.cli import CommandError

    if persona_id is None:
        return
    wrote = workspace.db.execute("SELECT EXISTS (SELECT 1 FROM messages WHERE author_id = ?)", (persona_id,)).fetchone()[0]
    if not wrote:
        raise CommandError(f"Author {persona_id} wrote none of the stored messages, so the build would make no "
                           "samples. `persona-tui authors` lists the ids of the authors with messages; pass one "
                           "of them with --me.")


def _stderr_console():
    from rich.console import Console

    return Console(file=sys.stderr)
