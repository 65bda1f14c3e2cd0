"""Reading Discord's own data package ("Request all of my Data"), as a folder or the .zip.

The package holds only the messages the account owner sent, one folder per channel:
`<messages root>/c<channel id>/channel.json` plus `messages.json` (packages from 2024 on)
or `messages.csv` (older ones). The owner's id and name are in `<account folder>/user.json`
next to the messages root. Top folder names changed case (`messages/` to `Messages/` in
2025) and are translated into the client's language since mid-2025 (`Nachrichten/`,
`Compte/`), so folders are found by structure: the grandparent of any
`c<digits>/channel.json` is the messages root, and the account folder is whichever
sibling folder contains `user.json`. Before late 2021 the channel folders had no `c`.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import msgspec

from persona_tui.sources.dce_format import channel_kind
from persona_tui.sources.detect import PACKAGE_CHANNEL_FILE
from persona_tui.sources.errors import SourceError
from persona_tui.sources.records import AuthorRecord, ChannelRecord
from persona_tui.sources.validate import InvalidValue, check_timestamp_ms, parse_snowflake

log = logging.getLogger(__name__)

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MILLISECOND = timedelta(milliseconds=1)

CSV_COLUMNS = ("ID", "Timestamp", "Contents", "Attachments")

UTF8_BOM = b"\xef\xbb\xbf"

# A CSV line longer than this is damaged: messages are at most 4,000 characters.
MAX_LINE_BYTES = 8 * 1024 * 1024


class PackageMessage(msgspec.Struct):
    ID: int | str
    Timestamp: str
    Contents: str = ""
    Attachments: str = ""


class PackageChannelFile(msgspec.Struct):
    id: int | str
    type: int | str = "unknown"
    name: str | None = None
    guild: dict | None = None
    # Since August 2024 deleted users appear as the string "Deleted User" instead of an id,
    # so the recipients are never read as numbers.
    recipients: list[str | int] | None = None


class PackageUser(msgspec.Struct):
    id: int | str
    username: str = ""
    global_name: str | None = None


# Zip members are read whole (JSON) or row by row (CSV), and the rows of one channel are
# held until they are stored, so an unpacked member must fit in memory. The message files
# of one channel in real packages are a few MB to tens of MB.
# NOTE: both limits are estimates, not measured on the largest real packages.
MAX_MEMBER_BYTES = 512 * 1024 * 1024

# Deflate packs chat text about 3 to 10 times; above this ratio a member is a zip bomb.
# Small members are exempt, because a tiny repetitive file can compress far better.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024


def check_member_size(path: Path, info: zipfile.ZipInfo) -> None:
    """Raise SourceError for a zip member too large or too compressed to unpack safely.

    zipfile stops reading a member at the size its header declares, so checking the
    declared size bounds what is unpacked."""
    if info.file_size > MAX_MEMBER_BYTES:
        raise SourceError(
            f"{path}: {info.filename} unpacks to {info.file_size} bytes, more than the "
            f"{MAX_MEMBER_BYTES} bytes allowed for one file. A Discord data package never "
            "holds a messages file that large; download the package from Discord again."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise SourceError(
            f"{path}: {info.filename} is compressed {ratio:.0f} to 1 ({info.compress_size} bytes "
            f"unpacking to {info.file_size}), more than the {MAX_COMPRESSION_RATIO} to 1 real "
            "message files reach, so the zip is damaged or a zip bomb. Download the package "
            "from Discord again."
        )


class PackageFiles:
    """The files of a package folder or zip, by their '/'-separated relative names."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = sorted(
                child.relative_to(path).as_posix() for child in path.rglob("*") if child.is_file()
            )
        else:
            try:
                self.archive = zipfile.ZipFile(path)
            except zipfile.BadZipFile as error:
                raise SourceError(f"{path}: the zip is damaged ({error}). Download the package again.") from error
            self.names = sorted(name for name in self.archive.namelist() if not name.endswith("/"))
        self.name_set = set(self.names)

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            try:
                return stream.read()
            except (OSError, zipfile.BadZipFile) as error:
                raise SourceError(f"{self.path}: cannot read {name} ({error}).") from error

    def open(self, name: str) -> BinaryIO:
        """Open one file for reading in binary mode. Raise SourceError when a zip member
        would unpack to more than MAX_MEMBER_BYTES or is compressed like a zip bomb."""
        try:
            if self.archive is None:
                return (self.path / name).open("rb")
            info = self.archive.getinfo(name)
            check_member_size(self.path, info)
            return self.archive.open(info)
        except (OSError, zipfile.BadZipFile, KeyError) as error:
            raise SourceError(f"{self.path}: cannot read {name} ({error}).") from error

    def size(self, name: str) -> int:
        if self.archive is not None:
            return self.archive.getinfo(name).file_size
        return (self.path / name).stat().st_size

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


@dataclass
class PackageChannel:
    """One channel folder of the package and the messages file it holds, if any."""

    folder: str
    channel_id: int
    messages_file: str | None


@dataclass
class PackageLayout:
    owner: AuthorRecord
    channels: list[PackageChannel]
    labels: dict[str, str] = field(default_factory=dict)    # channel id -> index.json label


def locate(files: PackageFiles) -> PackageLayout:
    """Find the channel folders and the owner, or raise SourceError saying what is missing."""
    channels = []
    roots = set()
    for name in files.names:
        match = PACKAGE_CHANNEL_FILE.match(name)
        if match is None:
            continue
        folder = name.rsplit("/", 1)[0]
        roots.add(match.group("root") or "")
        messages_file = next(
            (f"{folder}/{candidate}" for candidate in ("messages.json", "messages.csv")
             if f"{folder}/{candidate}" in files.name_set),
            None,
        )
        try:
            channel_id = parse_snowflake(match.group("channel"), "channel id")
        except InvalidValue as invalid:
            raise SourceError(
                f"{files.path}: the folder {folder}: {invalid}. Import the original package Discord sent."
            ) from None
        channels.append(PackageChannel(folder, channel_id, messages_file))

    if not channels:
        raise SourceError(
            f"{files.path}: no channel folders found (no <messages folder>/c<channel id>/channel.json). "
            "Check that this is the Discord data package and that it is complete."
        )
    if not any(channel.messages_file for channel in channels):
        raise SourceError(
            f"{files.path}: the package has {len(channels)} channel folders but no messages.json "
            "or messages.csv in any of them. Some packages from mid-2021 were sent without "
            "messages; request the data package from Discord again."
        )

    owner = find_owner(files, roots)
    labels = {}
    for root in roots:
        index_name = f"{root}/index.json" if root else "index.json"
        if index_name in files.name_set:
            try:
                decoded = msgspec.json.decode(files.read(index_name), type=dict[str, str | None])
            except (msgspec.DecodeError, msgspec.ValidationError) as error:
                log.warning("ignoring unreadable %s in %s: %s", index_name, files.path, error)
                continue
            labels.update({key: value for key, value in decoded.items() if value})
    return PackageLayout(owner=owner, channels=channels, labels=labels)


def find_owner(files: PackageFiles, roots: set[str]) -> AuthorRecord:
    """Read the account owner from `user.json` in a sibling of the messages root."""
    parents = {str(PurePosixPath(root).parent) if root else ".." for root in roots}
    candidates = [
        name for name in files.names
        if name.endswith("/user.json") and str(PurePosixPath(name).parent.parent) in parents
    ]
    # A folder import may name the messages folder itself; the account folder is then a
    # sibling of it outside the imported folder.
    if not candidates and files.archive is None and "" in roots:
        candidates = [str(path) for path in sorted(files.path.parent.glob("*/user.json"))]

    for name in candidates:
        try:
            data = files.read(name) if name in files.name_set else Path(name).read_bytes()
            user = msgspec.json.decode(data, type=PackageUser)
            owner_id = parse_snowflake(user.id, "user id")
            return AuthorRecord(id=owner_id, name=user.username, display_name=user.global_name)
        except (msgspec.DecodeError, msgspec.ValidationError, InvalidValue, OSError) as error:
            log.warning("skipping %s in %s: %s", name, files.path, error)

    raise SourceError(
        f"{files.path}: no readable account user.json (Account/user.json) next to the messages "
        "folder, so the author of the messages is unknown. Import the whole package, not only "
        "its messages folder."
    )


def read_channel(files: PackageFiles, channel: PackageChannel, labels: dict[str, str]) -> ChannelRecord:
    name = f"{channel.folder}/channel.json"
    try:
        decoded = msgspec.json.decode(files.read(name), type=PackageChannelFile)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise SourceError(f"{files.path}: {name} is not a valid channel file ({error}).") from error

    guild = decoded.guild or {}
    guild_id = guild.get("id")
    return ChannelRecord(
        id=channel.channel_id,
        kind=channel_kind(decoded.type),
        name=decoded.name or labels.get(str(channel.channel_id)),
        guild_id=guild_snowflake(guild_id),
        guild_name=guild.get("name"),
    )


def guild_snowflake(value: object) -> int | None:
    """Return the guild id of a channel.json, or None when it is missing or unusable,
    because the channel's messages can be imported without it."""
    if value is None:
        return None
    try:
        return parse_snowflake(value, "guild id")
    except InvalidValue as invalid:
        log.info("ignoring the guild id of a channel: %s", invalid)
        return None


def parse_message_id(value: int | str, where: str) -> int:
    try:
        return parse_snowflake(value, "message ID")
    except InvalidValue as invalid:
        raise SourceError(
            f"{where}: {invalid}. A spreadsheet program may have rounded the ids (7.73264E+18) "
            "when the file was saved; import the original file from the package Discord sent."
        ) from None


def parse_timestamp_ms(value: str, where: str) -> int:
    """Return UTC milliseconds; package timestamps without an offset are UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise SourceError(f"{where}: the timestamp {value!r} is not a date and time.") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return check_timestamp_ms((moment - UNIX_EPOCH) // ONE_MILLISECOND, value.strip())
    except InvalidValue as invalid:
        raise SourceError(
            f"{where}: {invalid}. Import the original file from the package Discord sent."
        ) from None


def read_messages(
    files: PackageFiles, name: str
) -> Iterator[tuple[int, int, str, int]]:
    """Yield (id, timestamp_ms, content, attachment_count) for each message of one file."""
    where = f"{files.path}: {name}"
    with files.open(name) as stream:
        try:
            if name.endswith(".json"):
                yield from read_messages_json(stream.read(), where)
            else:
                yield from read_messages_csv(stream, where)
        except zipfile.BadZipFile as error:
            raise SourceError(f"{where}: the zip is damaged ({error}). Download the package again.") from error


def read_messages_json(data: bytes, where: str) -> Iterator[tuple[int, int, str, int]]:
    try:
        messages = msgspec.json.decode(data, type=list[PackageMessage])
    except msgspec.ValidationError as error:
        raise SourceError(
            f"{where}: a message has an unexpected shape ({error}). Import the original "
            "file from the package Discord sent."
        ) from error
    except msgspec.DecodeError as error:
        raise SourceError(f"{where}: invalid JSON ({error}). Download the package again.") from error

    for position, message in enumerate(messages, start=1):
        message_where = f"{where}, message {position}"
        yield (
            parse_message_id(message.ID, message_where),
            parse_timestamp_ms(message.Timestamp, message_where),
            message.Contents,
            len(message.Attachments.split()),
        )


def decoded_lines(stream: BinaryIO, where: str) -> Iterator[str]:
    """Yield the lines of a UTF-8 file one by one, raising SourceError that names the line
    of an invalid byte or of a line longer than MAX_LINE_BYTES."""
    for number, line in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise SourceError(
                f"{where}, line {number}: the line is longer than {MAX_LINE_BYTES} bytes, so the "
                "file is damaged. Import the original file from the package Discord sent."
            )
        if number == 1:
            line = line.removeprefix(UTF8_BOM)
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(
                f"{where}, line {number}: byte {error.start + 1} of the line "
                f"({line[error.start:error.start + 1].hex()}) is not valid UTF-8. Discord writes "
                "UTF-8, so the file was re-saved in another encoding (a spreadsheet program "
                "saves Latin-1); import the original file from the package Discord sent."
            ) from None


def read_messages_csv(stream: BinaryIO, where: str) -> Iterator[tuple[int, int, str, int]]:
    # Each line keeps its line ending, so the csv module reads the newlines inside quoted
    # fields (code blocks), as with newline="".
    reader = csv.reader(decoded_lines(stream, where))
    header = next(reader, None)
    if header is None:
        return
    columns = [column.strip() for column in header]
    missing = [column for column in CSV_COLUMNS[:3] if column not in columns]
    if missing:
        raise SourceError(
            f"{where}: line 1 lacks the columns {', '.join(missing)} (found {', '.join(columns)}). "
            "Import the original file from the package Discord sent."
        )
    position = {column: columns.index(column) for column in CSV_COLUMNS if column in columns}

    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader, None)
        except csv.Error as error:
            raise SourceError(
                f"{where}, line {start_line}: the row starting here cannot be read ({error}); "
                "a quote that is never closed makes the rest of the file one field. Import "
                "the original file from the package Discord sent."
            ) from None
        if row is None:
            return
        if not row:
            continue
        line_where = f"{where}, line {start_line}"
        if len(row) < len(columns):
            raise SourceError(f"{line_where}: the row has {len(row)} fields, the header {len(columns)}.")
        attachments = row[position["Attachments"]] if "Attachments" in position else ""
        yield (
            parse_message_id(row[position["ID"]], line_where),
            parse_timestamp_ms(row[position["Timestamp"]], line_where),
            row[position["Contents"]],
            len(attachments.split()),
        )


def package_checksum(files: PackageFiles, layout: PackageLayout) -> str:
    """Return the sha256 of a zip's bytes, or of the names and contents of a folder's
    channel files (the rest of a package, such as analytics, can be gigabytes)."""
    digest = hashlib.sha256()
    if files.archive is not None:
        with files.path.open("rb") as file:
            for block in iter(lambda: file.read(1024 * 1024), b""):
                digest.update(block)
        return digest.hexdigest()
    for channel in layout.channels:
        for name in (f"{channel.folder}/channel.json", channel.messages_file):
            if name is not None:
                digest.update(name.encode() + b"\0")
                digest.update(files.read(name))
    digest.update(str(layout.owner.id).encode())
    return digest.hexdigest()


def package_rows(
    files: PackageFiles,
    layout: PackageLayout,
    source_id: int,
    on_channel: Callable[[int], None] | None = None,
) -> Iterator[tuple[ChannelRecord, list[tuple]]]:
    """Yield each channel with its `messages` rows (MESSAGE_COLUMNS order), all by the owner.

    `on_channel(bytes)` is called after each channel with the size of its messages file.
    """
    for channel in layout.channels:
        if channel.messages_file is None:
            log.info("channel folder %s in %s has no messages file; skipped", channel.folder, files.path)
            continue
        record = read_channel(files, channel, layout.labels)
        rows = [
            (message_id, channel.channel_id, layout.owner.id, timestamp, "Default", content,
             attachments, 0, 0, 0, None, source_id)
            for message_id, timestamp, content, attachments in read_messages(files, channel.messages_file)
        ]
        yield record, rows
        if on_channel is not None:
            on_channel(files.size(channel.messages_file))
