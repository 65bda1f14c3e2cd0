"""Importing exports into the workspace: the entry point the CLI and the TUI call.

Each file (or data package) is one source and one transaction. A file that fails writes
nothing but its `sources` row with status 'failed', so a bad file never half-imports and
never touches what earlier imports stored. The other files of the run still import. A
file whose sha256 matches a source already imported is skipped.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from persona_tui.gc_pause import cyclic_gc_paused
from persona_tui.sources.checksum import AlreadyImported, BackgroundChecksum, NewFileGate
from persona_tui.sources.catalog import AuthorSummary, SourceSummary, list_authors, list_sources
from persona_tui.sources.dce import DceExport, LayoutMismatch, read_indented, read_streaming
from persona_tui.sources.dce_format import InvalidMessage, author_record, channel_record, message_rows
from persona_tui.sources.detect import DetectedSource, detect_file, detect_paths
from persona_tui.sources.errors import SourceError
from persona_tui.sources.package import PackageFiles, locate, package_checksum, package_rows
from persona_tui.sources.store import (
    add_source_counts, insert_message_rows, insert_source, message_indexes_deferred, set_source_checksum,
    upsert_authors, upsert_channels,
)
from persona_tui.sources.validate import InvalidValue
from persona_tui.workspace import Workspace

__all__ = [
    "AuthorSummary", "ImportReport", "SourceResult", "SourceSummary",
    "import_paths", "list_authors", "list_sources",
]

log = logging.getLogger(__name__)

# progress(done_bytes, total_bytes, path): bytes of the whole run, and the file being read.
ProgressCallback = Callable[[int, int, str], None]

ONE_SIDED_NOTE = (
    "one-sided: a data package holds only the account owner's messages and no replies, "
    "so samples need another source (a DiscordChatExporter export or a fetch) for the other side"
)


EXPORT_AGAIN = (
    "The file is damaged or was edited; export the channel again with DiscordChatExporter "
    "(nothing from this file was imported)"
)


class ImportCancelled(Exception):
    """The user cancelled the run; the file being imported was rolled back whole."""


@dataclass
class SourceResult:
    """The outcome of importing one file or package."""

    path: str
    kind: str                   # 'dce', 'package', or 'unknown' when detection failed
    status: str                 # 'imported', 'unchanged', 'failed' or 'cancelled'
    error: str | None = None
    messages_read: int = 0
    new_messages: int = 0
    one_sided: bool = False
    source_id: int | None = None
    note: str | None = None


@dataclass
class ImportReport:
    sources: list[SourceResult] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceResult]:
        return [result for result in self.sources if result.status == "failed"]

    @property
    def messages_read(self) -> int:
        return sum(result.messages_read for result in self.sources)

    @property
    def new_messages(self) -> int:
        return sum(result.new_messages for result in self.sources)


class RunProgress:
    """Turns each file's own progress into bytes of the whole run, never going backwards."""

    def __init__(self, callback: ProgressCallback | None, total_bytes: int) -> None:
        self.callback = callback
        self.total_bytes = total_bytes
        self.finished_bytes = 0
        self.done_bytes = 0

    def update(self, path: Path, planned_bytes: int, done: int, total: int) -> None:
        if self.callback is None:
            return
        share = planned_bytes * done // total if total else planned_bytes
        self.done_bytes = max(self.done_bytes, self.finished_bytes + min(share, planned_bytes))
        self.callback(self.done_bytes, self.total_bytes, str(path))

    def finish(self, path: Path, planned_bytes: int) -> None:
        self.finished_bytes += planned_bytes
        self.update(path, 0, 0, 0)


def import_paths(
    workspace: Workspace,
    paths: list[Path | str],
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import DCE files, folders of them and data packages (folder or .zip) into the workspace.

    `progress` is called from this thread after every batch (a few MB at most). `cancel` is
    checked between batches: the file being read is rolled back and the files after it are
    reported 'cancelled' without being read.
    """
    report = ImportReport()
    planned: list[DetectedSource] = []
    for raw_path in paths:
        path = Path(raw_path).expanduser().absolute()
        try:
            planned.extend(detect_paths(path))
        except SourceError as error:
            # The report prints the error, so the log keeps it below WARNING to show it once.
            log.info("%s", error)
            report.sources.append(record_failure(workspace, path, "unknown", None, None, str(error)))

    sizes = [planned_size(source) for source in planned]
    run_progress = RunProgress(progress, sum(sizes))
    log.info("import of %d sources started (%d bytes)", len(planned), sum(sizes))

    with cyclic_gc_paused():
        for source, size in zip(planned, sizes):
            if cancel is not None and cancel.is_set():
                report.sources.append(SourceResult(str(source.path), source.kind, "cancelled", note="not started"))
                continue
            result = import_one(workspace, source, size, run_progress, cancel)
            report.sources.append(result)
            run_progress.finish(source.path, size)

    log.info(
        "import finished: %d sources, %d messages read, %d new, %d failed",
        len(report.sources), report.messages_read, report.new_messages, len(report.failed),
    )
    return report


def planned_size(source: DetectedSource) -> int:
    if source.path.is_file():
        return source.path.stat().st_size
    return sum(
        path.stat().st_size for path in source.path.rglob("messages.*")
        if path.suffix.lower() in (".json", ".csv") and path.is_file()
    )


def import_one(
    workspace: Workspace,
    source: DetectedSource,
    size: int,
    run_progress: RunProgress,
    cancel: threading.Event | None,
) -> SourceResult:
    path = source.path
    kind = source.kind
    checksum: BackgroundChecksum | None = None

    def check_cancel() -> None:
        if cancel is not None and cancel.is_set():
            raise ImportCancelled()

    def on_progress(done: int, total: int) -> None:
        run_progress.update(path, size, done, total)

    try:
        if kind == "file":
            kind = detect_file(path).kind
        if kind == "dce":
            checksum = BackgroundChecksum(path)
            return import_dce(workspace, path, checksum, size, on_progress, check_cancel)
        return import_package(workspace, path, on_progress, check_cancel)

    except AlreadyImported as known:
        return unchanged_result(path, kind, known.earlier)
    except ImportCancelled:
        log.info("import of %s cancelled; rolled back", path)
        return SourceResult(str(path), kind, "cancelled", note="cancelled; nothing from this file was stored")
    except SourceError as error:
        # The report prints the error, so the log keeps it below WARNING to show it once.
        log.info("import of %s failed: %s", path, error)
        return record_failure(workspace, path, kind, checksum_or_none(checksum), size, str(error))
    except RecursionError:
        # A JSON value nested thousands of levels deep exhausts the parser's recursion.
        message = (
            f"{path}: a JSON value is nested too deeply to read, so the file is damaged or was "
            "crafted. Export the channel again; nothing from this file was imported."
        )
        log.info("%s", message)
        return record_failure(workspace, path, kind, checksum_or_none(checksum), size, message)
    except MemoryError:
        message = (
            f"{path}: the file needs more memory than is available to import. Split the export "
            "(DiscordChatExporter --partition) and import the parts; nothing from this file was imported."
        )
        log.info("%s", message)
        return record_failure(workspace, path, kind, checksum_or_none(checksum), size, message)
    except (OSError, ValueError, sqlite3.IntegrityError) as error:
        # A value that passed decoding but is still unusable, such as an id that is not a
        # number, or a file that became unreadable mid-run.
        log.info("import of %s failed: %s", path, error)
        log.debug("traceback of the failed import of %s", path, exc_info=True)
        message = f"{path}: cannot import ({error}). Check the file, or export it again."
        return record_failure(workspace, path, kind, checksum_or_none(checksum), size, message)
    finally:
        # A cancelled or failed import does not leave the hashing thread running.
        if checksum is not None:
            checksum.result_or_none()


def checksum_or_none(checksum: BackgroundChecksum | None) -> str | None:
    return checksum.result_or_none() if checksum is not None else None


def find_imported(workspace: Workspace, checksum: str) -> sqlite3.Row | None:
    return workspace.db.execute(
        "SELECT id, imported_at FROM sources WHERE checksum = ? AND status = 'ok' ORDER BY id LIMIT 1",
        (checksum,),
    ).fetchone()


def unchanged_result(path: Path, kind: str, earlier: sqlite3.Row) -> SourceResult:
    log.info("%s is unchanged since source %d; skipped", path, earlier["id"])
    return SourceResult(
        str(path), kind, "unchanged", source_id=earlier["id"],
        note=f"already imported as source {earlier['id']} on {earlier['imported_at']}; nothing added",
    )


def record_failure(
    workspace: Workspace, path: Path, kind: str, checksum: str | None, size: int | None, error: str
) -> SourceResult:
    with workspace.transaction() as db:
        source_id = insert_source(
            db, path=str(path), kind=kind, checksum=checksum, size_bytes=size, status="failed", error=error,
        )
    return SourceResult(str(path), kind, "failed", error=error, source_id=source_id)


def import_dce(
    workspace: Workspace,
    path: Path,
    checksum: BackgroundChecksum,
    size: int,
    on_progress: Callable[[int, int], None],
    check_cancel: Callable[[], None],
) -> SourceResult:
    """Import one DCE export in one transaction. Raise AlreadyImported, after rolling back,
    when its checksum matches a source imported before."""
    log.info("importing DCE export %s (%d bytes)", path, size)
    with workspace.transaction() as db, message_indexes_deferred(db):
        # The checksum is filled in after the read, when the hashing thread has it.
        source_id = insert_source(db, path=str(path), kind="dce", checksum=None, size_bytes=size)
        gate = NewFileGate(checksum, lambda value: find_imported(workspace, value))

        # The indented reader is several times faster; a file in another layout rolls back
        # to here and is read again by the streaming reader.
        db.execute("SAVEPOINT indented_layout")
        try:
            read, new = store_export(db, path, read_indented(path), gate, source_id, size, on_progress, check_cancel)
            db.execute("RELEASE indented_layout")
        except LayoutMismatch as mismatch:
            log.info("%s is not in DCE's indented layout (%s); reading it with the streaming parser", path, mismatch)
            db.execute("ROLLBACK TO indented_layout")
            db.execute("RELEASE indented_layout")
            read, new = store_export(db, path, read_streaming(path), gate, source_id, size, on_progress, check_cancel)

        # Outside the savepoint, which a layout mismatch rolls back after the gate passed.
        set_source_checksum(db, source_id, checksum.result())
        add_source_counts(db, source_id, message_count=read, new_count=new)

    log.info("imported %s as source %d: %d messages read, %d new", path, source_id, read, new)
    return SourceResult(str(path), "dce", "imported", messages_read=read, new_messages=new, source_id=source_id)


def store_export(
    db: sqlite3.Connection,
    path: Path,
    export: DceExport,
    gate: NewFileGate,
    source_id: int,
    size: int,
    on_progress: Callable[[int, int], None],
    check_cancel: Callable[[], None],
) -> tuple[int, int]:
    """Store every batch of an export and return (messages read, new messages).

    Raise SourceError naming the message when an id or a timestamp cannot be stored.
    """
    try:
        channel = channel_record(export.header)
    except InvalidValue as invalid:
        raise SourceError(f"{path}: {invalid}. {EXPORT_AGAIN}") from None
    upsert_channels(db, [channel])

    # NOTE: decoding in a second thread while this one inserts measured no faster (178k
    # messages, 2 cores): sqlite3's executemany holds the GIL for most of its time.
    authors: dict = {}
    read = new = 0
    for messages, done_bytes in gate.hold(export.batches):
        check_cancel()
        try:
            rows = message_rows(messages, channel.id, source_id, authors, first_position=read + 1)
        except InvalidMessage as invalid:
            raise SourceError(f"{path}: {invalid}. {EXPORT_AGAIN}") from None
        new += insert_message_rows(db, rows)
        read += len(rows)
        on_progress(done_bytes, size)

    upsert_authors(db, [author_record(user) for user in authors.values()])
    return read, new


def import_package(
    workspace: Workspace,
    path: Path,
    on_progress: Callable[[int, int], None],
    check_cancel: Callable[[], None],
) -> SourceResult:
    log.info("importing data package %s", path)
    files = PackageFiles(path)
    try:
        layout = locate(files)
        checksum = package_checksum(files, layout)
        earlier = find_imported(workspace, checksum)
        if earlier is not None:
            return unchanged_result(path, "package", earlier)

        total = sum(files.size(channel.messages_file) for channel in layout.channels if channel.messages_file)
        done = 0

        def on_channel(channel_bytes: int) -> None:
            nonlocal done
            done += channel_bytes
            on_progress(done, total)

        read = new = 0
        with workspace.transaction() as db, message_indexes_deferred(db):
            source_id = insert_source(
                db, path=str(path), kind="package", checksum=checksum,
                size_bytes=path.stat().st_size if path.is_file() else total, one_sided=True,
            )
            upsert_authors(db, [layout.owner])
            for channel, rows in package_rows(files, layout, source_id, on_channel):
                check_cancel()
                upsert_channels(db, [channel])
                new += insert_message_rows(db, rows)
                read += len(rows)
            add_source_counts(db, source_id, message_count=read, new_count=new)
    finally:
        files.close()

    log.info("imported package %s as source %d: %d messages read, %d new", path, source_id, read, new)
    return SourceResult(
        str(path), "package", "imported", messages_read=read, new_messages=new,
        one_sided=True, source_id=source_id, note=ONE_SIDED_NOTE,
    )

