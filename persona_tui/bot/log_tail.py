"""Reading the lines a log file gained since the last read, for the Bot tab's live tail."""

from __future__ import annotations

from pathlib import Path


class LogTail:
    """Follows one log file by byte offset. A file that shrank (rotated) is read again from
    its start; the first read returns only the last `initial_bytes`."""

    def __init__(self, path: Path, initial_bytes: int = 20_000) -> None:
        self.path = path
        self.initial_bytes = initial_bytes
        self.offset: int | None = None
        self._partial = b""

    def read_new_lines(self) -> list[str]:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return []
        if self.offset is None:
            self.offset = max(0, size - self.initial_bytes)
        if size < self.offset:
            self.offset, self._partial = 0, b""
        if size == self.offset:
            return []

        with open(self.path, "rb") as file:
            file.seek(self.offset)
            data = self._partial + file.read(size - self.offset)
        self.offset = size

        # Keep an unfinished last line for the next read.
        lines = data.split(b"\n")
        self._partial = lines.pop()
        return [line.decode("utf-8", errors="replace") for line in lines]
