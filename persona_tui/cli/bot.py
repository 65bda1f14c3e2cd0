"""`persona-tui bot run|start|stop|status|kill-switch|allow|disallow`: the Discord bot worker."""

from __future__ import annotations

import argparse
from pathlib import Path

from persona_tui.cli import CommandError, open_workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bot", help="run the Discord bot that answers DMs as the persona")
    actions = parser.add_subparsers(dest="bot_action", metavar="ACTION", required=True)

    actions.add_parser("run", help="run the worker in the foreground (for systemd or a container)").set_defaults(
        handler=run_command
    )
    actions.add_parser("start", help="start the worker detached; it keeps running after logout").set_defaults(
        handler=start_command
    )
    actions.add_parser("stop", help="stop the detached worker").set_defaults(handler=stop_command)
    actions.add_parser("status", help="print the worker's state").set_defaults(handler=status_command)

    kill = actions.add_parser("kill-switch", help="stop all replies at once (on) or answer again (off)")
    kill.add_argument("state", choices=["on", "off"])
    kill.set_defaults(handler=kill_switch_command)

    allow = actions.add_parser("allow", help="add Discord user ids to the allowlist")
    allow.add_argument("user_ids", nargs="+", type=int, metavar="USER_ID")
    allow.set_defaults(handler=allow_command)

    disallow = actions.add_parser("disallow", help="remove Discord user ids from the allowlist")
    disallow.add_argument("user_ids", nargs="+", type=int, metavar="USER_ID")
    disallow.set_defaults(handler=disallow_command)


def workspace_root(args: argparse.Namespace) -> Path:
    from persona_tui.workspace import default_workspace_dir

    return Path(args.workspace) if args.workspace is not None else default_workspace_dir()


def run_command(args: argparse.Namespace) -> int:
    from persona_tui.bot.worker import EXIT_ALREADY_RUNNING, run_worker

    exit_code = run_worker(workspace_root(args))
    if exit_code == EXIT_ALREADY_RUNNING:
        raise CommandError("A bot worker is already running on this workspace. Stop it with `persona-tui bot stop`.")
    return exit_code


def start_command(args: argparse.Namespace) -> int:
    from persona_tui.bot.supervisor import start_detached

    open_workspace(args).close()
    try:
        result = start_detached(workspace_root(args))
    except RuntimeError as error:
        raise CommandError(str(error)) from error
    if result.already_running:
        print(f"The bot worker is already running (pid {result.pid}).")
    else:
        print(f"Started the bot worker (pid {result.pid}).")
    return 0


def stop_command(args: argparse.Namespace) -> int:
    from persona_tui.bot.supervisor import stop_worker

    pid = stop_worker(workspace_root(args))
    print("No bot worker is running." if pid is None else f"Stopped the bot worker (pid {pid}).")
    return 0


def status_command(args: argparse.Namespace) -> int:
    from persona_tui.bot.paths import BotPaths
    from persona_tui.bot.supervisor import current_status

    status = current_status(BotPaths(workspace_root(args) / "bot"))
    print(f"state:        {status.state}")
    print(f"pid:          {status.pid if status.state != 'stopped' else '-'}")
    print(f"connected as: {status.connected_as or '-'}")
    print(f"since:        {status.since or '-'}")
    print(f"replies sent: {status.replies_sent}")
    print(f"model calls:  {status.model_calls}")
    print(f"reconnects:   {status.reconnects}")
    print(f"kill switch:  {'on' if status.kill_switch else 'off'}")
    print(f"last error:   {status.last_error or '-'}")
    return 0


def kill_switch_command(args: argparse.Namespace) -> int:
    from persona_tui.bot.kill_switch import set_kill_switch
    from persona_tui.bot.paths import BotPaths

    set_kill_switch(BotPaths(workspace_root(args) / "bot").kill_switch_file, args.state == "on")
    print(f"Kill switch {args.state}.")
    return 0


def allow_command(args: argparse.Namespace) -> int:
    return _change_allowlist(args, add=True)


def disallow_command(args: argparse.Namespace) -> int:
    return _change_allowlist(args, add=False)


def _change_allowlist(args: argparse.Namespace, *, add: bool) -> int:
    from persona_tui.bot.settings import load_bot_settings, save_bot_settings

    workspace = open_workspace(args)
    with workspace:
        settings = load_bot_settings(workspace)
        allowed = set(settings.allowed_user_ids)
        allowed = allowed | set(args.user_ids) if add else allowed - set(args.user_ids)
        settings.allowed_user_ids = sorted(allowed)
        save_bot_settings(workspace, settings)
    print(f"Allowlist: {', '.join(map(str, settings.allowed_user_ids)) or 'empty (the bot answers nobody)'}")
    print("A running worker reads settings at start: restart it with `bot stop` and `bot start`.")
    return 0
