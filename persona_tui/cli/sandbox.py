"""`persona-tui sandbox`: run the simulated Together API and point a workspace at it.

With it every step (train, watch, serve, chat, the bot) can be tried from the CLI without
an account. Everything it serves is simulated; when it stops, the workspace is pointed
back at the real API.
"""

from __future__ import annotations

import argparse
import threading


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run the simulated Together API on loopback and point the workspace at it",
        description="Run the simulated Together API on 127.0.0.1 until Ctrl+C. While it runs, "
        "train, jobs, watch, serve and chat in this workspace talk to it instead of Together.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--speed", type=float, default=20.0,
                        help="simulated seconds per real second for fine-tuning jobs (default: 20)")
    parser.set_defaults(handler=sandbox_command)


def sandbox_command(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    from persona_tui.cli import open_workspace
    from persona_tui.sandbox.demo import SIMULATED_LABEL, leave_sandbox, start_demo_sandbox

    workspace = open_workspace(args)
    server = start_demo_sandbox(workspace, speed=args.speed, port=args.port)
    print(f"{SIMULATED_LABEL}: listening on {server.base_url}; workspace {workspace.root} now uses it.")
    print("Press Ctrl+C to stop; the workspace then points at the real Together API again.", flush=True)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        leave_sandbox(workspace)
        print("Sandbox stopped.")
    return 0
