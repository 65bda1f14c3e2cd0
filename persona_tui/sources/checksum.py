"""The sha256 of a DCE export, computed in a second thread while the export is decoded.

The checksum decides whether a file was imported before, so nothing may be stored until it
is known. Hashing first took about 0.14 s of a 1.0 s import of a 116 MB export. hashlib
releases the GIL while it hashes a block, so a thread hashes on the second core while the
main thread decodes, and the decoded batches wait until the checksum is known. On two
cores this saved about 0.05 s (benchmarks/bench_import.py).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

Batch = TypeVar("Batch")

# The hashing thread needs the GIL between two blocks. While the main thread is inside a
# msgspec decode call, that wait lasts until the call returns, so large blocks keep the
# number of waits small.
BLOCK_BYTES = 16 * 1024 * 1024

# The maximum number of decoded batches that wait for the checksum (the DCE reader's
# batches are about 4 MB of the file each). Past this the main thread waits instead.
MAX_HELD_BATCHES = 16


def file_checksum(path: Path) -> str:
    """Return the sha256 hex digest of the file's bytes."""
    digest = hashlib.sha256()
    block = bytearray(BLOCK_BYTES)
    view = memoryview(block)
    with path.open("rb", buffering=0) as file:
        while size := file.readinto(block):
            digest.update(view[:size])
    return digest.hexdigest()


class AlreadyImported(Exception):
    """The file's checksum matches a source imported before; `earlier` is its row."""

    def __init__(self, earlier: sqlite3.Row) -> None:
        super().__init__(f"already imported as source {earlier['id']}")
        self.earlier = earlier


class BackgroundChecksum:
    """The sha256 of one file, computed by a thread that starts at construction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._digest: str | None = None
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name=f"sha256 of {path.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._digest = file_checksum(self.path)
        except OSError as error:
            log.warning("sha256 of %s failed: %s", self.path, error)
            self._error = error

    def ready(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> str:
        """Wait for the digest and return it; raise the OSError that stopped the thread."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._digest is not None
        return self._digest

    def result_or_none(self) -> str | None:
        """Wait for the digest; return None when the file could not be read."""
        self._thread.join()
        return self._digest


class NewFileGate:
    """The check, before anything of a file is stored, that the file was not imported before.

    `hold` passes decoded batches on only after `confirm` has run once. `confirm` looks the
    checksum up with `find_imported` and raises AlreadyImported for a known file. One gate
    serves both readers of a file, so a file read again by the streaming reader is not
    looked up twice.
    """

    def __init__(self, checksum: BackgroundChecksum, find_imported: Callable[[str], sqlite3.Row | None]) -> None:
        self.checksum = checksum
        self.find_imported = find_imported
        self.confirmed = False

    def confirm(self) -> None:
        earlier = self.find_imported(self.checksum.result())
        if earlier is not None:
            raise AlreadyImported(earlier)
        self.confirmed = True

    def hold(self, batches: Iterator[Batch]) -> Iterator[Batch]:
        """Yield `batches`, keeping the first ones back until `confirm` has passed. With
        MAX_HELD_BATCHES waiting, wait for the checksum instead of decoding further."""
        waiting: list[Batch] = []
        for batch in batches:
            if self.confirmed:
                yield batch
                continue
            waiting.append(batch)
            if self.checksum.ready() or len(waiting) >= MAX_HELD_BATCHES:
                self.confirm()
                yield from waiting
                waiting = []
        if not self.confirmed:
            self.confirm()
            yield from waiting
