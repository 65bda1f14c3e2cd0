"""`persona-tui chat`: a line-by-line conversation with a model target, replies streamed
and split into the messages the bot would send."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("chat", help="chat with a model target line by line")
    parser.add_argument("--target", help="model target name (default: the only one, or the Chat tab's choice)")
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-p", type=float, default=0.9)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--base-url", help="override the target's server root (for the sandbox or a proxy)")
    parser.set_defaults(handler=chat_command)


def choose_target(workspace, name: str | None):
    from persona_tui.chat.targets import TargetError, get_target, list_targets
    from persona_tui.cli import CommandError

    name = name or workspace.get_setting("chat_target")
    try:
        if name:
            return get_target(workspace, name)
    except TargetError as error:
        raise CommandError(str(error)) from error
    targets = list_targets(workspace)
    if len(targets) != 1:
        known = ", ".join(target.name for target in targets) or "none yet"
        raise CommandError(f"Choose a target with --target NAME (known: {known}).")
    return targets[0]


def chat_command(args: argparse.Namespace) -> int:
    from persona_tui.chat import session
    from persona_tui.chat.client import ChatModelError, Sampling, stream_chat
    from persona_tui.training.client import together_connection
    from persona_tui.chat.streaming import MessageAssembler
    from persona_tui.cli import CommandError, open_workspace

    workspace = open_workspace(args)
    target = choose_target(workspace, args.target)
    connection = together_connection(workspace) if target.kind != "openai" else {}
    if args.base_url:
        connection["base_url"] = args.base_url
    try:
        sampling = Sampling(args.temperature, args.top_p, args.max_tokens)
    except ValueError as error:
        raise CommandError(str(error)) from error

    chat_id = session.create_chat(workspace, f"CLI chat with {target.name}", target_id=target.id)
    print(f"Chatting with {target.describe()}. An empty line or Ctrl-D ends.", file=sys.stderr)
    while True:
        try:
            line = input("you> ")
        except EOFError:
            break
        if not line.strip():
            break

        seq = session.add_user_message(workspace, chat_id, line)
        messages = session.messages_for_pane(workspace, chat_id, "tuned")
        assembler = MessageAssembler()
        sent: list[str] = []
        try:
            for delta in stream_chat(target, messages, sampling=sampling, **connection):
                for message in assembler.feed(delta):
                    print(f"{target.name}> {message}", flush=True)
                    sent.append(message)
        except ChatModelError as error:
            print(f"error: {error}", file=sys.stderr)
            continue
        for message in assembler.finish():
            print(f"{target.name}> {message}", flush=True)
            sent.append(message)
        session.save_message(workspace, chat_id, seq, "tuned", "\n".join(sent))
    return 0
