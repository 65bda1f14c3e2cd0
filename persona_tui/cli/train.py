"""`persona-tui train`, `persona-tui jobs` and `persona-tui watch JOB_ID`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser("train", help="check the dataset, confirm the price and launch a fine-tuning job")
    train.add_argument("--model", required=True, help="base model id, e.g. Qwen/Qwen3.5-9B")
    train.add_argument("--train-file", type=Path, help="train JSONL (default: the latest export)")
    train.add_argument("--validation-file", type=Path, help="validation JSONL (default: the latest export's)")
    train.add_argument("--epochs", type=int, default=3, help="passes over the training data (default 3)")
    train.add_argument("--lora-rank", type=int, help="LoRA rank (default: the model's default)")
    train.add_argument("--lora-alpha", type=int, help="LoRA alpha (default: twice the rank)")
    train.add_argument("--lora-dropout", type=float, default=0.05, help="LoRA dropout in [0, 1) (default 0.05)")
    train.add_argument("--learning-rate", type=float, default=1e-4, help="peak learning rate (default 1e-4)")
    train.add_argument("--batch-size", type=batch_size_option, default="max", help="samples per step, or 'max' (default)")
    train.add_argument("--evals", type=int, default=10, help="validation loss evaluations over the run (default 10)")
    train.add_argument("--checkpoints", type=int, default=1, help="checkpoints saved over the run (default 1)")
    train.add_argument("--early-stopping", action="store_true", help="let Together stop when validation loss stops improving")
    train.add_argument("--patience", type=int, default=2, help="evaluations without improvement before early stopping (default 2)")
    train.add_argument("--suffix", help="text added to the output model name (at most 40 characters)")
    train.add_argument("--yes", action="store_true", help="confirm personal-data findings and the price without asking")
    train.add_argument("--watch", action="store_true", help="follow the job after launching it")
    train.set_defaults(handler=run_train)

    jobs = subparsers.add_parser("jobs", help="list the fine-tuning jobs of the workspace")
    jobs.set_defaults(handler=run_jobs)

    watch = subparsers.add_parser("watch", help="follow a fine-tuning job with a live loss plot")
    watch.add_argument("job_id", metavar="JOB_ID", help="Together job id (ft-...)")
    watch.add_argument("--interval", type=float, default=30.0, help="seconds between polls (default 30)")
    watch.add_argument("--log-scale", action="store_true", help="plot loss on a log scale")
    watch.add_argument("--plain", action="store_true", help="plain characters instead of braille")
    watch.set_defaults(handler=run_watch)


def batch_size_option(text: str) -> int | str:
    """Parse --batch-size: a whole number of samples, or 'max'."""
    if text == "max":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid batch size {text!r}; write a whole number such as 8, or max") from None


def confirm(question: str, assume_yes: bool) -> bool:
    from persona_tui.cli import CommandError

    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise CommandError(f"{question} needs a confirmation; run in a terminal or pass --yes.")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def build_client(workspace, max_retries: int = 0):
    from persona_tui.cli import CommandError
    from persona_tui.training.client import MissingApiKeyError, make_client

    try:
        return make_client(workspace, max_retries=max_retries)
    except MissingApiKeyError as error:
        raise CommandError(str(error)) from None


def run_train(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError, command_hint, open_workspace
    from persona_tui.training.catalog import load_catalog
    from persona_tui.training.client import is_sandbox
    from persona_tui.training.datasets import latest_dataset
    from persona_tui.training.launch import LaunchCancelled, LaunchError, launch, recover_creating_jobs
    from persona_tui.training.preflight import run_preflight
    from persona_tui.training.settings import TrainingSettings, settings_problems
    from persona_tui.training.uploads import DatasetRejectedError

    workspace = open_workspace(args)
    train_path, validation_path = args.train_file, args.validation_file
    if train_path is None:
        latest = latest_dataset(workspace)
        if latest is None:
            raise CommandError("No dataset has been exported yet. Export one first, or pass --train-file FILE.")
        train_path, validation_path = latest
    for path in (train_path, validation_path):
        if path is not None and not path.is_file():
            raise CommandError(f"The dataset file {path} does not exist. Export the dataset again or pass another file.")

    batch_size = args.batch_size
    settings = TrainingSettings(
        model=args.model, n_epochs=args.epochs, lora_rank=args.lora_rank, lora_alpha=args.lora_alpha,
        lora_dropout=args.lora_dropout, learning_rate=args.learning_rate, batch_size=batch_size,
        n_evals=args.evals, n_checkpoints=args.checkpoints, early_stopping=args.early_stopping,
        early_stopping_patience=args.patience, suffix=args.suffix,
    )
    client = build_client(workspace)
    label = "SIMULATED · " if is_sandbox(workspace) else ""

    # A launch that crashed between recording its intent and hearing back from Together
    # leaves a 'creating' row; settle it first so the job list never shows a phantom.
    for note in recover_creating_jobs(client, workspace):
        print(f"{label}{note}")

    entries = {entry.model: entry for entry in load_catalog(client)}
    problems = settings_problems(settings, entries.get(args.model), has_validation=validation_path is not None)
    if problems:
        raise CommandError(" ".join(problems))
    entry = entries[args.model]
    print(f"{label}base model {entry.model}: context {entry.context_length}, max LoRA rank {entry.max_lora_rank}, "
          f"batch {entry.min_batch_size}-{entry.max_batch_size}, served afterwards by: {entry.serving}")

    report = run_preflight(workspace, train_path, validation_path, settings, client)
    for line in report.summary_lines():
        print(line)
    if not report.format_ok:
        raise CommandError(f"{train_path} has lines Together would reject; fix them and export again.")
    if report.needs_confirmation and not confirm("Upload with the personal data listed above?", args.yes):
        print("Not uploaded.")
        return 1

    # A terminal shows one progress line rewritten in place. Anywhere else (a pipe, a log
    # file) a carriage return does not rewrite, so each report is a line of its own.
    rewrite_in_place = sys.stdout.isatty()

    def progress(name: str, sent: int, total: int) -> None:
        text = f"uploading {name}: {sent:,}/{total:,} bytes"
        if rewrite_in_place:
            print("\r" + text, end="" if sent < total else "\n", flush=True)
        else:
            print(text, flush=True)

    def confirm_price(price) -> bool:
        return confirm(f"{label}{price.describe()}. Create the job?", args.yes)

    try:
        result = launch(workspace, client, train_path, validation_path, settings, progress=progress,
                        confirm_price=confirm_price, on_note=print)
    except DatasetRejectedError as error:
        raise CommandError(str(error)) from None
    except (LaunchError, TimeoutError) as error:
        raise CommandError(str(error)) from None
    except LaunchCancelled as error:
        print(error)
        return 1

    print(f"{label}job {result.job.job_id} launched. Follow it with: {command_hint(args, 'watch ' + result.job.job_id)}")
    if args.watch:
        args.job_id, args.interval, args.log_scale, args.plain = result.job.job_id, 30.0, False, False
        return run_watch(args)
    return 0


def run_jobs(args: argparse.Namespace) -> int:
    from rich.console import Console

    from persona_tui.cli import open_workspace
    from persona_tui.training.job_store import list_jobs

    workspace = open_workspace(args)
    jobs = list_jobs(workspace)
    if not jobs:
        print("No fine-tuning jobs yet. Launch one with `persona-tui train --model MODEL`.")
        return 0
    # Two lines per job rather than a table: the job id (copied into `persona-tui watch`)
    # never wraps, and the model and output names get a line of their own, which keeps the
    # list readable in an 80-column terminal.
    console = Console()
    if any(job.sandbox for job in jobs):
        console.print("[bold]SIMULATED jobs (sandbox, no Together account)[/bold]")
    for job in jobs:
        steps = f"{job.detail.get('steps_completed', 0)}/{job.detail.get('total_steps', '?')} steps"
        price = job.detail.get("total_price")
        price_text = "" if price is None else f"  ${price:,.2f}"
        names = job.model + (f" → {job.output_name}" if job.output_name else "")
        console.print(f"[bold]{job.job_id or '(not created)'}[/bold]  {job.status}  {steps}{price_text}",
                      soft_wrap=True, highlight=False)
        console.print(f"  {names}  (created {job.created_at[:16].replace('T', ' ')})", highlight=False)
    return 0


def run_watch(args: argparse.Namespace) -> int:
    import threading

    from rich.console import Console
    from rich.live import Live

    from persona_tui.cli import CommandError, command_hint, open_workspace
    from persona_tui.training import job_store
    from persona_tui.training.job_view import load_job_view
    from persona_tui.training.live_view import render_job
    from persona_tui.training.monitor import JobMonitor

    workspace = open_workspace(args)
    job = job_store.job_by_id(workspace, args.job_id)
    if job is None:
        raise CommandError(f"No job {args.job_id} in the workspace {workspace.root}. "
                           f"List its jobs with `{command_hint(args, 'jobs')}`.")
    client = build_client(workspace)
    console = Console()
    width = max(40, console.width - 2)
    monitor = JobMonitor(workspace, client, args.job_id)

    def draw(note: str | None = None):
        view = load_job_view(workspace, job_store.job_by_id(workspace, args.job_id))
        return render_job(view, width=width, log_scale=args.log_scale, braille=not args.plain, note=note)

    stop = threading.Event()
    with Live(draw(), console=console, auto_refresh=False) as live:
        def on_update(result) -> None:
            if result.changed or result.terminal:
                live.update(draw(result.note), refresh=True)

        try:
            final = monitor.run(interval=args.interval, stop=stop, on_update=on_update)
        except KeyboardInterrupt:
            stop.set()
            print("stopped watching; the job keeps running on Together")
            return 0
    if not console.is_terminal:
        # Without a terminal, Live prints its last view without a final newline.
        print()
    print(f"job {args.job_id} ended with status {final.status}")
    return 0 if final.status == "completed" else 1
