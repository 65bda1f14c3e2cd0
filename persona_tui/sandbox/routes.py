"""Imports every sandbox route module so their `@route` handlers are registered."""

import importlib

# Each module registers its handlers when imported.
ROUTE_MODULES: list[str] = [
    "chat",
    "endpoints",
    "downloads",
    "files",
    "models",
    "fine_tunes",
    "control",
]

for _name in ROUTE_MODULES:
    importlib.import_module(f"persona_tui.sandbox.{_name}")
