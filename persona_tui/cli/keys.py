"""`persona-tui keys`: store, show and delete the Together API key and the Discord bot token.

`set` reads the value from a hidden prompt, or from standard input when it is not a
terminal, never from an argument, so it stays out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from persona_tui import secrets


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("keys", help="store, show or delete API keys and bot tokens")
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    names = sorted(secrets.SECRET_NAMES)

    set_parser = actions.add_parser("set", help="store a secret (read from a hidden prompt or stdin)")
    set_parser.add_argument("name", choices=names)
    set_parser.set_defaults(handler=set_key)

    show_parser = actions.add_parser("show", help="show where each secret comes from, masked")
    show_parser.set_defaults(handler=show_keys)

    delete_parser = actions.add_parser("delete", help="delete a stored secret")
    delete_parser.add_argument("name", choices=names)
    delete_parser.set_defaults(handler=delete_key)

    file_parser = actions.add_parser("use-file", help="store secrets in a file readable only by you (headless servers)")
    file_parser.set_defaults(handler=use_file)

    keyring_parser = actions.add_parser("use-keyring", help="store secrets in the system keyring again")
    keyring_parser.set_defaults(handler=use_keyring)


def set_key(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError

    if sys.stdin.isatty():
        value = getpass.getpass(f"{args.name} (input hidden): ")
    else:
        value = sys.stdin.readline()
    try:
        secrets.set_secret(args.name, value)
    except secrets.SecretStoreError as error:
        raise CommandError(str(error)) from None
    print(f"stored {args.name} ({secrets.mask(value.strip())}) in {secrets.describe_backend()}")
    return 0


def show_keys(args: argparse.Namespace) -> int:
    print(f"backend: {secrets.describe_backend()}")
    for name, variable in sorted(secrets.SECRET_NAMES.items()):
        value = secrets.get_secret(name)
        source = secrets.secret_source(name)
        where = {"environment": f"from {variable}", "keyring": "stored"}.get(source or "", "not set")
        print(f"{name}: {secrets.mask(value)} ({where})")
    return 0


def delete_key(args: argparse.Namespace) -> int:
    from persona_tui.cli import CommandError

    try:
        deleted = secrets.delete_secret(args.name)
    except secrets.SecretStoreError as error:
        raise CommandError(str(error)) from None
    print(f"deleted {args.name}" if deleted else f"{args.name} was not stored; nothing to delete")
    return 0


def use_file(args: argparse.Namespace) -> int:
    path = secrets.use_file_backend()
    print(f"secrets are now stored in {path} (mode 0600, readable only by you)")
    return 0


def use_keyring(args: argparse.Namespace) -> int:
    secrets.use_system_keyring()
    print(f"secrets are now stored in {secrets.describe_backend()}")
    return 0
