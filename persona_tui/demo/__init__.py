"""The demo export: a synthetic two-person DM shipped with the package (see generate.py)."""

from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

# The author the demo learns: Riley, one side of the demo DM.
DEMO_PERSONA_ID = 700000000000000001

DEMO_FILE_NAME = "demo_dm.json"


def demo_export(dest_dir: Path | str) -> Path:
    """Write the demo DM as a DiscordChatExporter .json file in `dest_dir` and return its path."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    packed = resources.files(__package__).joinpath("demo_dm.json.gz").read_bytes()
    path = dest_dir / DEMO_FILE_NAME
    path.write_bytes(gzip.decompress(packed))
    return path
