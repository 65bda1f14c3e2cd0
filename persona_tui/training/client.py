"""The `together` client for a workspace: the API key from secrets, the base URL from settings.

The workspace setting `together_base_url` is None for the real API. `persona-tui demo` and
the tests point it at the loopback sandbox and set `together_sandbox`, which also swaps the
API key for a fixed sandbox key, so no real key is ever sent to the sandbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from persona_tui.secrets import get_secret
from persona_tui.workspace import Workspace

if TYPE_CHECKING:
    import together

# Sent to the sandbox in place of an API key. It is not a secret and opens nothing.
SANDBOX_API_KEY = "sandbox-not-a-secret"


class MissingApiKeyError(Exception):
    """No Together API key is configured. The message names the ways to set one."""


def is_sandbox(workspace: Workspace) -> bool:
    """Return True when the workspace talks to the simulated Together sandbox."""
    return bool(workspace.get_setting("together_sandbox", False))


def make_client(workspace: Workspace, *, max_retries: int = 2, timeout: float | None = None) -> together.Together:
    """Build a `together.Together` client for the workspace.

    `max_retries` is the SDK's own retry count for 408/409/429/5xx and connection errors.
    Callers that must not repeat a POST (job creation) pass 0 and retry themselves.
    """
    import together

    base_url = workspace.get_setting("together_base_url")
    if is_sandbox(workspace):
        api_key = SANDBOX_API_KEY
    else:
        api_key = get_secret("together_api_key")
    if not api_key:
        raise MissingApiKeyError(
            "No Together API key is set. Run `persona-tui keys set together_api_key`, "
            "or set TOGETHER_API_KEY in the environment."
        )

    options: dict = {"api_key": api_key, "max_retries": max_retries}
    if base_url:
        options["base_url"] = base_url
    if timeout is not None:
        options["timeout"] = timeout
    return together.Together(**options)


def together_connection(workspace: Workspace) -> dict[str, str]:
    """Return the `api_key` and `base_url` keyword arguments the chat client needs to reach
    the same Together account (or sandbox) as `make_client`; empty when the defaults apply.

    Only the sandbox key is returned: a real key stays with the chat client, which reads it
    from the secrets store itself.
    """
    connection: dict[str, str] = {}
    base_url = workspace.get_setting("together_base_url")
    if base_url:
        connection["base_url"] = base_url
    if is_sandbox(workspace):
        connection["api_key"] = SANDBOX_API_KEY
    return connection
