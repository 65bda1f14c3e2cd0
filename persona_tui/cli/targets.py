"""`persona-tui targets list|add|remove`: the models the Chat tab and the bot talk to."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("targets", help="list, add or remove model targets")
    actions = parser.add_subparsers(dest="targets_action", metavar="ACTION", required=True)

    actions.add_parser("list", help="list the model targets").set_defaults(handler=list_command)

    add = actions.add_parser("add", help="add or replace a model target")
    add.add_argument("name", help="the target's name, e.g. tuned or base")
    add.add_argument("--kind", choices=["together", "together_endpoint", "openai"], required=True,
                     help="together: a serverless base model; together_endpoint: a dedicated endpoint; "
                     "openai: any OpenAI-compatible server")
    add.add_argument("--model", required=True, help="model name, or the endpoint's name for together_endpoint")
    add.add_argument("--base-url", help="server root, e.g. http://127.0.0.1:8000/v1 (required for openai)")
    add.add_argument("--endpoint-id", help="the endpoint's id, for together_endpoint")
    add.add_argument("--api-key-env", help="environment variable holding the server's key, for openai")
    add.add_argument("--timeout", type=float, help="seconds to wait for the next bytes of a reply")
    add.set_defaults(handler=add_command)

    remove = actions.add_parser("remove", help="remove a model target")
    remove.add_argument("name")
    remove.set_defaults(handler=remove_command)


def list_command(args: argparse.Namespace) -> int:
    from persona_tui.chat.targets import list_targets
    from persona_tui.cli import open_workspace

    targets = list_targets(open_workspace(args))
    if not targets:
        print("No model targets yet. Add one with `persona-tui targets add NAME --kind ... --model ...`.")
    for target in targets:
        print(target.describe())
    return 0


def add_command(args: argparse.Namespace) -> int:
    from persona_tui.chat.targets import ModelTarget, TargetError, save_target
    from persona_tui.cli import CommandError, open_workspace

    settings = {}
    if args.api_key_env:
        settings["api_key_env"] = args.api_key_env
    if args.timeout:
        settings["timeout_seconds"] = args.timeout
    target = ModelTarget(args.name, args.kind, args.model, base_url=args.base_url,
                         endpoint_id=args.endpoint_id, settings=settings)
    try:
        saved = save_target(open_workspace(args), target)
    except TargetError as error:
        raise CommandError(str(error)) from error
    print(f"Saved {saved.describe()}")
    return 0


def remove_command(args: argparse.Namespace) -> int:
    from persona_tui.chat.targets import TargetError, delete_target
    from persona_tui.cli import CommandError, open_workspace

    try:
        delete_target(open_workspace(args), args.name)
    except TargetError as error:
        raise CommandError(str(error)) from error
    print(f"Removed target {args.name}")
    return 0
