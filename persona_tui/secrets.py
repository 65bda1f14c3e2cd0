"""API keys and bot tokens: the environment first, then the system keyring, or a file.

Secrets live outside the workspace on purpose: the workspace database is shared between
the TUI, the CLI and the bot worker and may be copied around, so a key stored there would
leak with it. Nothing in this module logs a secret's value; only `mask` output is shown.

On a headless server over SSH, keyring usually has no backend and raises
`NoKeyringError`. Then the user chooses one of two alternatives explicitly: the
environment variable, or `persona-tui keys use-file`, which stores secrets in a file
readable only by the user through the keyrings.alt plaintext backend.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

# Secret name -> the environment variable that overrides the stored value.
SECRET_NAMES: dict[str, str] = {
    "together_api_key": "TOGETHER_API_KEY",
    "discord_bot_token": "DISCORD_BOT_TOKEN",
}

KEYRING_SERVICE = "persona-tui"

# The marker file that records the explicit choice of the file backend.
BACKEND_CHOICE_FILE = "secrets-backend"
FILE_BACKEND = "file"
SECRETS_FILE_NAME = "secrets.cfg"


class SecretStoreError(Exception):
    """A secret that cannot be read, stored or deleted. The message names the next step."""


def no_backend_message(name: str) -> str:
    """Return the one-line explanation shown when keyring has no backend."""
    variable = SECRET_NAMES.get(name, "the environment variable")
    return (
        "No system keyring is available on this machine (usual over SSH). "
        f"Set {variable} in the environment, or run `persona-tui keys use-file` to keep "
        "secrets in a file readable only by you."
    )


def check_name(name: str) -> None:
    if name not in SECRET_NAMES:
        known = ", ".join(sorted(SECRET_NAMES))
        raise SecretStoreError(f"Unknown secret name {name!r}; use one of: {known}.")


def config_dir() -> Path:
    """Return the per-user configuration directory of persona-tui (XDG on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("persona-tui", appauthor=False))


def secrets_file_path() -> Path:
    return config_dir() / SECRETS_FILE_NAME


def file_backend_chosen() -> bool:
    path = config_dir() / BACKEND_CHOICE_FILE
    try:
        return path.read_text(encoding="utf-8").strip() == FILE_BACKEND
    except FileNotFoundError:
        return False


def use_file_backend() -> Path:
    """Choose the file backend for this user from now on, and return the secrets file path.

    The file is created with mode 0600 by keyrings.alt when the first secret is written.
    """
    directory = config_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / BACKEND_CHOICE_FILE).write_text(FILE_BACKEND + "\n", encoding="utf-8")
    log.info("secrets backend set to the user-only file %s", secrets_file_path())
    return secrets_file_path()


def use_system_keyring() -> None:
    """Undo `use_file_backend`: go back to the system keyring. The file is left in place."""
    (config_dir() / BACKEND_CHOICE_FILE).unlink(missing_ok=True)
    log.info("secrets backend set to the system keyring")


def active_backend():
    """Return the keyring backend in use: the user-only file when chosen, else the system's."""
    import keyring

    if file_backend_chosen():
        from keyrings.alt.file import PlaintextKeyring

        backend = PlaintextKeyring()
        backend.file_path = str(secrets_file_path())
        return backend
    return keyring.get_keyring()


def describe_backend() -> str:
    """Return a short name of where stored secrets go, for `keys show` and the keys dialog."""
    if file_backend_chosen():
        return f"file {secrets_file_path()} (readable only by you)"
    backend = active_backend()
    return f"keyring {type(backend).__module__}.{type(backend).__name__}"


def secret_source(name: str) -> str | None:
    """Return where `get_secret(name)` finds its value: 'environment', 'keyring' or None."""
    check_name(name)
    if os.environ.get(SECRET_NAMES[name]):
        return "environment"
    if read_stored(name) is not None:
        return "keyring"
    return None


def read_stored(name: str) -> str | None:
    """Return the stored value of `name`, or None when it is missing or keyring has no backend."""
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return active_backend().get_password(KEYRING_SERVICE, name)
    except NoKeyringError:
        log.info("no keyring backend while reading %s; only the environment is used", name)
        return None
    except KeyringError as error:
        log.warning("reading %s from the keyring failed: %s", name, type(error).__name__)
        return None


def get_secret(name: str) -> str | None:
    """Return the secret `name`: its environment variable first, then the stored value."""
    check_name(name)
    from_environment = os.environ.get(SECRET_NAMES[name])
    if from_environment:
        return from_environment
    return read_stored(name)


def set_secret(name: str, value: str) -> None:
    """Store `value` for `name` in the active backend; raise SecretStoreError when none works."""
    check_name(name)
    value = value.strip()
    if not value:
        raise SecretStoreError(f"The value for {name} is empty; nothing was stored.")

    from keyring.errors import KeyringError, NoKeyringError

    try:
        active_backend().set_password(KEYRING_SERVICE, name, value)
    except NoKeyringError:
        raise SecretStoreError(no_backend_message(name)) from None
    except KeyringError as error:
        # The exception text of some backends repeats the value, so only its type is shown.
        raise SecretStoreError(
            f"Storing {name} in the keyring failed ({type(error).__name__}). "
            f"Set {SECRET_NAMES[name]} in the environment instead."
        ) from None
    log.info("stored %s in %s", name, describe_backend())


def delete_secret(name: str) -> bool:
    """Delete the stored value of `name`; return False when nothing was stored."""
    check_name(name)
    from keyring.errors import NoKeyringError, PasswordDeleteError

    try:
        active_backend().delete_password(KEYRING_SERVICE, name)
    except PasswordDeleteError:
        return False
    except NoKeyringError:
        raise SecretStoreError(no_backend_message(name)) from None
    log.info("deleted %s from %s", name, describe_backend())
    return True


def mask(value: str | None) -> str:
    """Return `value` with all but a recognisable prefix and the last four characters hidden.

    'tgp_v1_abcdef0123456789f2c' becomes 'tgp_…9f2c'. Values of twelve characters or fewer
    show only their last two, so a short secret is not mostly revealed.
    """
    if not value:
        return "(not set)"
    if len(value) <= 12:
        return "…" + value[-2:]
    prefix = ""
    separator = value.find("_")
    if 0 < separator <= 4:
        prefix = value[: separator + 1]
    return f"{prefix}…{value[-4:]}"
