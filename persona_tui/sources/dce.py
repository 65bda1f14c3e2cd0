"""Reading DiscordChatExporter (DCE) JSON exports in batches, without loading them whole.

DCE writes indented JSON with a fixed key order (guild, channel, dateRange, exportedAt,
messages, messageCount), and a raw newline can never occur inside a JSON string. So in an
indented export every message object closes on a line of its own, `}` or `},` at the
indentation of the messages array's items. `read_indented` cuts the array at those lines
into batches of whole messages and decodes each batch with msgspec, which keeps memory
at one batch whatever the file size.

A batch that fails to decode means the file is not in that layout (compact JSON, a file a
tool rewrote) or is damaged. `read_streaming` then reads it with ijson, a general
streaming parser, and reports where a damaged file breaks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec

from persona_tui.sources.dce_format import DceHeader, DceMessage
from persona_tui.sources.errors import SourceError

log = logging.getLogger(__name__)

CHUNK_BYTES = 4 * 1024 * 1024

# The header must end within this many bytes; DCE headers are under 2 KB.
HEADER_LIMIT_BYTES = 1024 * 1024

# `"messages": [` at the start of a line: the top-level key in an indented export.
MESSAGES_KEY = re.compile(rb'\n([ \t]*)"messages"[ \t]*:[ \t]*\[')

# Messages converted per batch by the streaming reader.
STREAMING_BATCH = 2000

# Above this size, locating a syntax error by decoding the whole file would take too much
# memory, so the error names the region the streaming parser had reached.
LOCATE_ERROR_LIMIT_BYTES = 64 * 1024 * 1024

# DCE writes no byte order mark, but a file re-saved by a Windows editor can start with one.
UTF8_BOM = b"\xef\xbb\xbf"

# The four whitespace bytes JSON allows between tokens.
JSON_WHITESPACE = b" \t\r\n"
JSON_NON_WHITESPACE = re.compile(rb"[^ \t\r\n]")

MESSAGES_DECODER = msgspec.json.Decoder(list[DceMessage])
HEADER_DECODER = msgspec.json.Decoder(DceHeader)


class LayoutMismatch(Exception):
    """The file is not indented the way DCE writes it; read it with `read_streaming`."""


@dataclass
class DceExport:
    """An export being read: its header, and its messages in batches with the number of
    bytes read so far."""

    header: DceHeader
    batches: Iterator[tuple[list[DceMessage], int]]


def decode_header(path: Path, data: bytes) -> DceHeader:
    try:
        return HEADER_DECODER.decode(data)
    except msgspec.ValidationError as error:
        raise SourceError(
            f"{path}: the export's header has an unexpected shape ({error}). "
            "Is this a DiscordChatExporter JSON export? Export the channel again with -f Json."
        ) from error


# Indented layout ------------------------------------------------------------------------


def read_indented(path: Path, chunk_bytes: int | None = None) -> DceExport:
    """Open an indented DCE export; raise LayoutMismatch when the file is laid out otherwise.

    `chunk_bytes` (default CHUNK_BYTES) is how much is read at a time, so a batch contains
    the messages that end within one chunk.
    """
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    with path.open("rb") as file:
        head = file.read(HEADER_LIMIT_BYTES)
    match = MESSAGES_KEY.search(head)
    if match is None:
        raise LayoutMismatch(f"no indented messages key in the first {len(head)} bytes")

    # The preamble ends with a comma after `exportedAt` (or `channel`), so appending an
    # empty messages array closes it into a JSON object.
    try:
        header = decode_header(path, head[: match.start()].removeprefix(UTF8_BOM) + b'\n"messages": []}')
    except msgspec.DecodeError as error:
        raise LayoutMismatch(f"preamble does not decode: {error}") from error

    array_indent = match.group(1)
    return DceExport(header, iter_indented_batches(path, match.end(), array_indent, chunk_bytes))


def iter_indented_batches(
    path: Path, start: int, array_indent: bytes, chunk_bytes: int
) -> Iterator[tuple[list[DceMessage], int]]:
    array_close = b"\n" + array_indent + b"]"
    item_close: bytes | None = None
    with path.open("rb") as file:
        file.seek(start)
        # A bytearray, so each batch is decoded in place (see decode_batch) and the rest
        # of the buffer is moved down instead of copied into a new object.
        buffer = bytearray(file.read(chunk_bytes))
        offset = start          # file offset of buffer[0]
        at_eof = len(buffer) < chunk_bytes

        # An empty channel is written as `"messages": []` on one line.
        if buffer.lstrip().startswith(b"]"):
            check_tail(path, bytes(buffer.lstrip()[1:]) + file.read())
            return

        while True:
            if item_close is None:
                item_close = find_item_close(buffer)

            # The array closes a few bytes before the end of the file, so only the last
            # read can contain it. Searching only there saves a scan of every byte, which
            # is slow for a needle of a newline and spaces in indented JSON.
            end = buffer.find(array_close) if at_eof else -1
            if end >= 0:
                yield decode_batch(buffer, end), offset + end
                check_tail(path, bytes(buffer[end + len(array_close):]) + file.read())
                return

            cut = buffer.rfind(item_close) if item_close else -1
            if cut >= 0:
                cut += len(item_close)
                yield decode_batch(buffer, cut), offset + cut
                del buffer[:cut]
                offset += cut

            if at_eof:
                # Every batch so far decoded, so the layout is right and the file stops
                # inside the messages array: DCE crashed or the copy is incomplete.
                end_offset = offset + len(buffer)
                raise SourceError(
                    f"{path}: the file ends at byte {end_offset} inside the messages array, "
                    "so it is truncated (an export that stopped early or an incomplete copy). "
                    "Export the channel again; the messages before the cut were not imported."
                )
            more = file.read(chunk_bytes)
            at_eof = len(more) < chunk_bytes
            buffer += more


def find_item_close(buffer: bytes | bytearray) -> bytes | None:
    """Return the line that closes a message, `\\n` plus the indentation of the message's
    opening brace, or None while the buffer does not show the first message yet."""
    match = re.match(rb"\s*\n([ \t]*)\{", buffer)
    if match is None:
        if buffer.strip():
            if buffer.lstrip().startswith(b"{"):
                raise LayoutMismatch("the first message does not start on its own line")
        return None
    return b"\n" + match.group(1) + b"}"


def decode_batch(buffer: bytearray, end: int) -> list[DceMessage]:
    """Decode the messages in `buffer[:end]`: whitespace or the `,` left from the previous
    batch, then whole messages separated by commas.

    The batch is made a JSON array in place, without copying it: the `,` (or the
    whitespace before the first message) becomes `[`, and the byte after the last message
    becomes `]` while msgspec decodes. Both bytes get their old values back afterwards.
    """
    first = JSON_NON_WHITESPACE.search(buffer, 0, end)
    if first is None:
        return []
    opening = first.start()
    if buffer[opening] != ord(","):
        if opening == 0:
            return decode_copy(buffer[:end])
        opening -= 1            # the whitespace before the first message
    closing = end
    while buffer[closing - 1] in JSON_WHITESPACE:
        closing -= 1

    appended = closing == len(buffer)
    if appended:
        buffer.append(ord("]"))
    saved_opening = buffer[opening]
    saved_closing = buffer[closing]
    buffer[opening] = ord("[")
    buffer[closing] = ord("]")
    try:
        with memoryview(buffer) as view, view[opening:closing + 1] as batch:
            return MESSAGES_DECODER.decode(batch)
    except msgspec.DecodeError as error:
        raise LayoutMismatch(f"a batch of messages does not decode: {error}") from error
    finally:
        buffer[opening] = saved_opening
        buffer[closing] = saved_closing
        if appended:
            del buffer[-1]


def decode_copy(data: bytes | bytearray) -> list[DceMessage]:
    """Decode a batch that has no byte to spare in front for the `[`, by copying it."""
    body = bytes(data).strip().strip(b",")
    try:
        return MESSAGES_DECODER.decode(b"[" + body + b"]")
    except msgspec.DecodeError as error:
        raise LayoutMismatch(f"a batch of messages does not decode: {error}") from error


def check_tail(path: Path, tail: bytes) -> None:
    """Check what follows the messages array (`messageCount` and the closing brace)."""
    try:
        msgspec.json.decode(b'{"messages": []' + tail)
    except msgspec.DecodeError as error:
        raise LayoutMismatch(f"the end of the file does not decode: {error}") from error


# Any layout -----------------------------------------------------------------------------


class CountingReader:
    """A binary file that counts the bytes handed to the parser, for progress and errors."""

    def __init__(self, file) -> None:
        self.file = file
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.bytes_read += len(data)
        return data


def json_start(file) -> int:
    """Move past a byte order mark, if any, and return the offset where the JSON starts."""
    start = len(UTF8_BOM) if file.read(len(UTF8_BOM)) == UTF8_BOM else 0
    file.seek(start)
    return start


def read_streaming(path: Path) -> DceExport:
    """Open a DCE export in any JSON layout with ijson; raise SourceError when it is not
    valid JSON or lacks the channel."""
    import ijson

    with path.open("rb") as file:
        start = json_start(file)
        try:
            guild = next(ijson.items(file, "guild"), None)
            file.seek(start)
            channel = next(ijson.items(file, "channel"), None)
        except ijson.JSONError as error:
            raise invalid_json_error(path, error, None) from error
    if channel is None:
        raise SourceError(
            f"{path}: the JSON has no 'channel' object, so it is not a DiscordChatExporter "
            "export. Export the channel again with -f Json."
        )
    try:
        header = msgspec.convert({"guild": guild or {}, "channel": channel}, DceHeader, strict=False)
    except msgspec.ValidationError as error:
        raise SourceError(f"{path}: the export's channel has an unexpected shape ({error}).") from error
    return DceExport(header, iter_streaming_batches(path))


def iter_streaming_batches(path: Path) -> Iterator[tuple[list[DceMessage], int]]:
    import ijson

    with path.open("rb") as file:
        json_start(file)
        reader = CountingReader(file)
        batch: list[dict] = []
        count = 0
        try:
            for item in ijson.items(reader, "messages.item", use_float=True):
                count += 1
                batch.append(item)
                if len(batch) >= STREAMING_BATCH:
                    yield convert_batch(path, batch), reader.bytes_read
                    batch = []
        except ijson.JSONError as error:
            raise invalid_json_error(path, error, reader.bytes_read) from error

    # An export without messages is valid only when `messages` is an empty array, so a
    # file with no messages is parsed once more to tell that from a missing key.
    if count == 0:
        check_messages_array(path)
    yield convert_batch(path, batch), reader.bytes_read


def check_messages_array(path: Path) -> None:
    """Raise SourceError when the top-level `messages` is missing or not a JSON array."""
    import ijson

    found = None
    with path.open("rb") as file:
        json_start(file)
        events = ijson.parse(file)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key" and value == "messages":
                found = next(events)[1]
                break
    if found == "start_array":
        return
    description = "missing" if found is None else f"not an array (it is {JSON_EVENT_NAMES.get(found, found)})"
    raise SourceError(
        f"{path}: the top-level 'messages' is {description}, so it is not a DiscordChatExporter "
        "export. Export the channel again with DiscordChatExporter (-f Json)."
    )


# ijson's event for the first token of a value, by the name of that JSON type.
JSON_EVENT_NAMES = {
    "null": "null", "start_map": "an object", "boolean": "a boolean", "number": "a number",
    "string": "a string",
}


def convert_batch(path: Path, items: list[dict]) -> list[DceMessage]:
    try:
        return msgspec.convert(items, list[DceMessage], strict=False)
    except msgspec.ValidationError as error:
        raise SourceError(
            f"{path}: a message has an unexpected shape ({error}). The file may have been "
            "edited by hand; export the channel again with DiscordChatExporter."
        ) from error


def invalid_utf8_position(path: Path, size: int) -> str:
    """Return where the first invalid UTF-8 byte of a small file is, or "" for a large one."""
    if size > LOCATE_ERROR_LIMIT_BYTES:
        return ""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = error.start
        line = data.count(b"\n", 0, byte) + 1
        column = byte - (data.rfind(b"\n", 0, byte) + 1) + 1
        return f"at line {line}, column {column} (byte {byte}, 0x{data[byte]:02x})"
    return ""


def invalid_json_error(path: Path, error: Exception, bytes_read: int | None) -> SourceError:
    """Build the error for a file that is not valid JSON, with the line and column when the
    file is small enough to locate it exactly."""
    size = path.stat().st_size
    where = f"before byte {bytes_read}" if bytes_read is not None else ""
    if "premature EOF" in str(error):
        return SourceError(
            f"{path}: the JSON ends early at byte {size}, so the file is truncated (an export "
            "that stopped early or an incomplete copy). Export the channel again."
        )

    if size <= LOCATE_ERROR_LIMIT_BYTES:
        data = path.read_bytes()
        try:
            msgspec.json.decode(data)
        except msgspec.DecodeError as decode_error:
            found = re.search(r"\(byte (\d+)\)", str(decode_error))
            if found:
                byte = int(found.group(1))
                line = data.count(b"\n", 0, byte) + 1
                column = byte - (data.rfind(b"\n", 0, byte) + 1) + 1
                where = f"at line {line}, column {column} (byte {byte})"

    reason = str(error).splitlines()[0]
    if "invalid bytes in UTF8" in str(error):
        # ijson reports where its read buffer ended, not the bad byte, so find the byte.
        where, reason = invalid_utf8_position(path, size), "invalid UTF-8"
    log.info("invalid JSON in %s %s: %s", path, where, reason)
    where = f" {where}" if where else ""
    return SourceError(
        f"{path}: invalid JSON{where} ({reason}). The file is damaged or was edited. "
        "Export the channel again with DiscordChatExporter."
    )
