"""`persona-tui serve deploy|status|stop|delete|download JOB_ID`: serve a finished fine-tuning job."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="deploy a finished job on a dedicated endpoint, or download it")
    actions = parser.add_subparsers(dest="serve_action", metavar="ACTION", required=True)

    deploy = actions.add_parser("deploy", help="create a dedicated endpoint (billed per minute while up)")
    deploy.add_argument("job_id", metavar="JOB_ID")
    deploy.add_argument("--hardware", help="hardware id; without it the choices and prices are listed")
    deploy.add_argument("--auto-stop", type=int, default=15, metavar="MINUTES",
                        help="stop after this many minutes without requests (0: never; default 15)")
    deploy.add_argument("--no-wait", action="store_true", help="return without waiting for STARTED")
    deploy.set_defaults(handler=deploy_command)

    for name, help_text, handler in (
        ("status", "show the job's endpoint state and running time", status_command),
        ("stop", "stop the job's endpoint (billing stops; it can start again)", stop_command),
        ("delete", "delete the job's endpoint and its model target", delete_command),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("job_id", metavar="JOB_ID")
        action.set_defaults(handler=handler)

    download = actions.add_parser("download", help="download the job's adapter or merged weights (resumes)")
    download.add_argument("job_id", metavar="JOB_ID")
    download.add_argument("--checkpoint", choices=["adapter", "merged"], default="adapter")
    download.set_defaults(handler=download_command)


def make_client(workspace):
    """Return a Together client for the workspace: the training area's factory when it is
    there, else one built from the stored key and TOGETHER_BASE_URL."""
    try:
        from persona_tui.training.client import make_client as make_workspace_client
    except ImportError:
        import together

        from persona_tui.chat.client import ChatModelError, together_api_key
        from persona_tui.cli import CommandError

        try:
            return together.Together(api_key=together_api_key(None))
        except ChatModelError as error:
            raise CommandError(str(error)) from error
    return make_workspace_client(workspace)


def endpoint_target(workspace, job_id: str):
    from persona_tui.chat.targets import list_targets
    from persona_tui.cli import CommandError

    for target in list_targets(workspace):
        if target.kind == "together_endpoint" and target.settings.get("job_id") == job_id:
            return target
    raise CommandError(f"No endpoint of job {job_id} is known in {workspace.root}; deploy one with "
                       f"`persona-tui -w {workspace.root} serve deploy {job_id}`.")


def deploy_command(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError, command_hint, open_workspace
    from persona_tui.training import serving

    workspace = open_workspace(args)
    client = make_client(workspace)
    try:
        if not args.hardware:
            model = serving.job_output_name(workspace, client, args.job_id)
            print(f"Hardware that can serve {model} (choose one with --hardware):")
            for option in serving.list_hardware(client, model):
                print(f"  {option.describe()}")
            return 0
        status, target = serving.deploy_job(workspace, client, args.job_id, hardware=args.hardware,
                                            inactive_timeout_minutes=args.auto_stop)
        print(f"Created endpoint {status.id} ({status.name}) at ${target.settings['dollars_per_hour']:.2f}/h; "
              f"target {target.name}. It bills per minute until stopped.")
        if not args.no_wait:
            serving.wait_until_ready(client, status.id, on_state=lambda s: print(f"  {s.state}", file=sys.stderr))
            print(f"Endpoint is STARTED: chat with `{command_hint(args, 'chat --target ' + target.name)}`.")
    except serving.ServingError as error:
        raise CommandError(str(error)) from error
    return 0


def status_command(args: argparse.Namespace) -> int:
    from persona_tui.cli import open_workspace
    from persona_tui.training import serving

    workspace = open_workspace(args)
    target = endpoint_target(workspace, args.job_id)
    status = serving.get_endpoint(make_client(workspace), target.endpoint_id)
    print(f"{status.id} {status.name}: {status.state} on {status.hardware}")
    warning = serving.endpoint_warning(workspace)
    if warning:
        print(warning)
    return 0


def stop_command(args: argparse.Namespace) -> int:
    from persona_tui.cli import open_workspace
    from persona_tui.training import serving

    workspace = open_workspace(args)
    target = endpoint_target(workspace, args.job_id)
    status = serving.stop_endpoint(workspace, make_client(workspace), target.endpoint_id)
    print(f"{status.id}: {status.state}")
    return 0


def delete_command(args: argparse.Namespace) -> int:
    from persona_tui.cli import open_workspace
    from persona_tui.training import serving

    workspace = open_workspace(args)
    target = endpoint_target(workspace, args.job_id)
    serving.delete_endpoint(workspace, make_client(workspace), target.endpoint_id)
    print(f"Deleted endpoint {target.endpoint_id} and target {target.name}.")
    return 0


def download_command(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError, open_workspace
    from persona_tui.training import serving

    workspace = open_workspace(args)

    def show(done: int, total: int | None) -> None:
        share = f" ({done * 100 // total}%)" if total else ""
        print(f"\r{done / 1e6:.1f} MB{share}", end="", file=sys.stderr, flush=True)

    try:
        path = serving.download_weights(workspace, make_client(workspace), args.job_id,
                                        checkpoint=args.checkpoint, progress=show)
    except serving.ServingError as error:
        print(file=sys.stderr)
        raise CommandError(str(error)) from error
    print(f"\nSaved {path}. docs/serving.md says how to serve it with vLLM, llama.cpp or Ollama.")
    return 0
