"""Telling what an import path is from its content, never from its name.

A DCE export is a JSON object with `guild`, `channel` and `messages`. A data package is a
folder or .zip with `<messages folder>/c<channel id>/channel.json` (or, before late 2021,
`<messages folder>/<channel id>/channel.json`). The top folders' names changed case and
were translated over the years, so only the structure is checked.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import msgspec

from persona_tui.sources.errors import SourceError

SNIFF_BYTES = 64 * 1024

# `<anything>/<messages root>/c<digits>/channel.json`, with or without the `c`.
PACKAGE_CHANNEL_FILE = re.compile(r"^(?:(?P<root>.*)/)?c?(?P<channel>\d+)/channel\.json$")

# DCE names the parts of a partitioned export `<name>.json`, `<name> [part 2].json`, ...
PARTITION_NAME = re.compile(r"^(?P<base>.*) \[part (?P<part>\d+)\](?P<suffix>\.json)$", re.IGNORECASE)

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"


@dataclass(frozen=True)
class DetectedSource:
    """One thing to import: a DCE file or a data package (folder or .zip)."""

    path: Path
    kind: str            # 'dce' or 'package'


def sniff(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(SNIFF_BYTES)


def detect_file(path: Path) -> DetectedSource:
    """Return what the file at `path` is, or raise SourceError saying what it is instead."""
    head = sniff(path)
    if head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC):
        if zip_has_package(path):
            return DetectedSource(path, "package")
        raise SourceError(
            f"{path}: the zip contains no Discord data package messages (no "
            "<messages folder>/c<channel id>/channel.json inside). Check that it is the "
            "package Discord e-mailed (the 'Request all of my Data' zip) and that it is complete."
        )

    if is_utf16(head):
        raise SourceError(
            f"{path}: the file is encoded as UTF-16, but exports are UTF-8. Open it in a text "
            "editor and save it as UTF-8, or export the channel again with DiscordChatExporter."
        )

    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text and path.suffix.lower() == ".zip":
        raise SourceError(
            f"{path}: the zip is empty (0 bytes), probably an incomplete download. "
            "Download the data package from Discord again."
        )
    if not text:
        raise SourceError(
            f"{path}: the file is empty. Export the channel again with DiscordChatExporter (-f Json)."
        )
    if text.startswith(b"<"):
        raise SourceError(
            f"{path}: this is an HTML page, probably DiscordChatExporter's HTML export. "
            "Export the channel again in JSON format (-f Json) and import that file."
        )
    if text.startswith(b"{"):
        if b'"guild"' in text and b'"channel"' in text:
            return DetectedSource(path, "dce")
        if len(head) < SNIFF_BYTES:
            check_json(path, head)
        raise SourceError(
            f"{path}: the JSON has no 'guild' and 'channel' keys, so it is not a "
            "DiscordChatExporter export. Export the channel with -f Json and import that file."
        )
    if text.startswith(b"["):
        raise SourceError(
            f"{path}: the file is a JSON array, not a DiscordChatExporter export. If it is "
            "messages.json from a Discord data package, import the whole package folder or .zip."
        )
    raise SourceError(
        f"{path}: not a Discord export (neither DiscordChatExporter JSON nor a data package). "
        "Import a DCE .json file, a folder of them, or the data package folder or .zip."
    )


def is_utf16(head: bytes) -> bool:
    """Return whether `head` starts with a UTF-16 byte order mark or, lacking one, has the
    NUL byte between ASCII characters that UTF-16 text has."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:256]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


def check_json(path: Path, data: bytes) -> None:
    """Raise SourceError with the line and column when `data`, a whole small file, is not
    valid JSON."""
    try:
        msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        found = re.search(r"\(byte (\d+)\)", str(error))
        where = ""
        if found:
            byte = int(found.group(1))
            line = data.count(b"\n", 0, byte) + 1
            column = byte - (data.rfind(b"\n", 0, byte) + 1) + 1
            where = f" at line {line}, column {column} (byte {byte})"
        raise SourceError(
            f"{path}: invalid JSON{where} ({error}). Export the channel again with "
            "DiscordChatExporter (-f Json) and import that file."
        ) from None


def zip_has_package(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(PACKAGE_CHANNEL_FILE.match(name) for name in archive.namelist())
    except zipfile.BadZipFile as error:
        raise SourceError(
            f"{path}: the zip is damaged ({error}), probably an incomplete download. "
            "Download the data package from Discord again."
        ) from error


def find_package_channel_files(folder: Path) -> list[Path]:
    """Return every `<messages root>/c<id>/channel.json` under `folder`."""
    found = []
    for path in folder.rglob("channel.json"):
        relative = path.relative_to(folder).as_posix()
        if PACKAGE_CHANNEL_FILE.match(relative):
            found.append(path)
    return sorted(found)


def partition_order(path: Path) -> tuple[Path, str, int]:
    """Sort key that puts the parts of a partitioned export in order, base file first."""
    match = PARTITION_NAME.match(path.name)
    if match is None:
        return path.parent, path.name, 1
    return path.parent, match.group("base") + match.group("suffix"), int(match.group("part"))


def detect_paths(path: Path) -> list[DetectedSource]:
    """Expand one import path into sources: a package folder is one source, any other
    folder is every .json file under it (each checked when it is imported), a file is itself.

    Raises SourceError for a path that does not exist or a folder with nothing to import.
    """
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder. Check the path.")
    if path.is_file():
        return [DetectedSource(path, "file")]
    if not path.is_dir():
        raise SourceError(
            f"{path}: not a regular file or folder (a pipe, device or socket). "
            "Import a DiscordChatExporter .json file, a folder of them, or the data package."
        )

    if find_package_channel_files(path):
        return [DetectedSource(path, "package")]
    # Match the extension in any case, so `DM.JSON` copied from Windows is imported too.
    files = sorted(
        (child for child in path.rglob("*") if child.suffix.lower() == ".json" and child.is_file()),
        key=partition_order,
    )
    if not files:
        raise SourceError(
            f"{path}: no .json export and no data package messages folder found in the folder. "
            "Import DiscordChatExporter .json files or the data package folder or .zip."
        )
    return [DetectedSource(child, "file") for child in files]
