"""`persona-tui fetch --channel ID`: pull a channel's history through the bot."""

from __future__ import annotations

import argparse
import asyncio
import sys

from persona_tui.cli import CommandError, open_workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="fetch a channel's history through the bot (server channels, threads, DMs with the bot)",
        description="Fetch the history of channels the bot can read into the workspace, resuming "
        "where the last fetch stopped. A bot cannot read a person's private DMs with friends: "
        "import a DiscordChatExporter export or Discord's data package for those.",
    )
    parser.add_argument(
        "--channel", "-c", dest="channel_ids", type=int, action="append", required=True, metavar="ID",
        help="channel or thread id (repeat for several)",
    )
    parser.set_defaults(handler=fetch_command)


def fetch_command(args: argparse.Namespace) -> int:
    from persona_tui.bot.bot_token import MissingTokenError, load_bot_token
    from persona_tui.sources.fetch import FetchError, fetch_with_token

    workspace = open_workspace(args)
    try:
        token = load_bot_token()
    except MissingTokenError as error:
        raise CommandError(str(error)) from error

    def progress(count: int) -> None:
        print(f"\r  {count:,} messages", end="", file=sys.stderr, flush=True)

    with workspace:
        try:
            results = asyncio.run(fetch_with_token(workspace, token, args.channel_ids, progress=progress))
        except FetchError as error:
            raise CommandError(str(error)) from error
    print(file=sys.stderr)

    for result in results:
        resumed = f", resumed after message {result.resumed_after}" if result.resumed_after else ""
        print(f"Channel {result.channel_id}: {result.fetched:,} messages fetched, {result.new:,} new{resumed}.")
        if result.looks_censored():
            print(
                f"Every message from channel {result.channel_id} came without content: enable the Message "
                "Content Intent on the Bot page of the Discord developer portal and fetch again.",
                file=sys.stderr,
            )
    return 0
