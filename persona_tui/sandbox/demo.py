"""Start a fast sandbox for `persona-tui demo`, so a new user can train without an account.

The workspace is pointed at the sandbox (`together_base_url`) and marked with
`together_sandbox`, which makes the client send a fixed sandbox key instead of a real one
and makes every view label what it shows as simulated.
"""

from __future__ import annotations

import logging

from persona_tui.sandbox.server import SandboxServer
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# Simulated seconds per real second: a 10 s training step takes half a second.
DEMO_SPEED = 20.0

SIMULATED_LABEL = "SIMULATED (sandbox, no Together account)"


def start_demo_sandbox(workspace: Workspace, *, speed: float = DEMO_SPEED, port: int = 0) -> SandboxServer:
    """Start the sandbox on a loopback port (a free one for 0) and point the workspace at it."""
    server = SandboxServer(speed=speed, port=port).start()
    workspace.set_setting("together_base_url", server.base_url)
    workspace.set_setting("together_sandbox", True)
    log.info("demo workspace %s now uses the sandbox at %s", workspace.root, server.base_url)
    return server


def leave_sandbox(workspace: Workspace) -> None:
    """Point the workspace back at the real Together API."""
    workspace.set_setting("together_base_url", None)
    workspace.set_setting("together_sandbox", False)
