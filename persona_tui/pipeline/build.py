"""The preparation build: stored messages in, training samples and statistics out.

The history is read in chunks that end at a silence. Each chunk is filtered, its markup
normalised, redacted in one batch, cut into windows and assembled into samples. Nothing is
written until the last step (store), so a cancelled or failed build leaves the previous
samples and statistics as they were.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from persona_tui.gc_pause import cyclic_gc_paused
from persona_tui.pipeline.assemble import AssembleCounts, window_samples
from persona_tui.pipeline.filters import DROP_RULES, MessageFilter
from persona_tui.pipeline.markup import MarkupNormaliser
from persona_tui.pipeline.merging import merge_turns
from persona_tui.pipeline.redaction import Redactor
from persona_tui.pipeline.sample import Sample
from persona_tui.pipeline.sample_store import estimate_tokens, replace_samples
from persona_tui.pipeline.settings import PipelineSettings, load_settings
from persona_tui.pipeline.stats import BuildStats, save_stats
from persona_tui.pipeline.windows import NO_REDACTIONS, CleanMessage, split_windows
from persona_tui.workspace import Workspace

log = logging.getLogger(__name__)

# The step names `progress` reports, in order. Filter, redact and samples repeat for each
# chunk of messages, and "done" follows the last step.
STEPS = ("read", "filter", "redact", "samples", "store")

# Channel kinds that are group conversations even when only two people wrote in the
# exported range.
GROUP_KINDS = frozenset({"group", "guild", "thread"})

# The minimum messages per chunk. A chunk runs on to the next silence, and the build checks
# for cancel and reports progress between the steps of each chunk.
CHUNK = 20_000

# Every stored message in conversation order. The messages_channel_time index is in this
# order, so SQLite reads it without sorting.
READ_MESSAGES = (
    "SELECT id, channel_id, author_id, timestamp_ms, type, content, is_interaction, "
    "attachment_count, embed_count, sticker_count FROM messages "
    "ORDER BY channel_id, timestamp_ms, id"
)

ProgressCallback = Callable[[int, int, str], None]


class BuildError(Exception):
    """A build that cannot run with these settings. The message names what to change."""


class BuildCancelled(Exception):
    """The build was cancelled before it stored anything."""


@dataclass(slots=True)
class BuildResult:
    stats: BuildStats
    kept_decisions: int      # review decisions whose sample came out unchanged
    lost_decisions: int      # review decisions whose sample no longer exists


def build_samples(
    workspace: Workspace,
    settings: PipelineSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> BuildResult:
    """Build the samples from every stored message and replace the previous build's.

    `settings` defaults to the stored settings, and passed settings are not stored.

    `progress(done_messages, total_messages, step_name)` is called as each step of each
    chunk (about CHUNK messages) starts. Setting `cancel` stops the build at the next such
    call, before it stores anything, and raises BuildCancelled. Raise BuildError when the
    settings are invalid or name no persona.
    """
    with cyclic_gc_paused():
        return _build(workspace, settings or load_settings(workspace), progress, cancel)


def _build(
    workspace: Workspace,
    settings: PipelineSettings,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> BuildResult:
    problems = settings.validate()
    if problems:
        raise BuildError(" ".join(problems))
    if settings.persona_author_id is None:
        raise BuildError("No persona is chosen. Pass --me AUTHOR_ID; `persona-tui authors` lists the ids.")
    persona_id = settings.persona_author_id

    def report(done: int, total: int, step: str) -> None:
        if cancel is not None and cancel.is_set():
            log.info("build cancelled during step %s", step)
            raise BuildCancelled(f"The build was cancelled during step {step}; the previous samples are unchanged.")
        if progress is not None:
            progress(done, total, step)

    started = time.perf_counter()
    log.info("build started for persona %d", persona_id)
    stats = BuildStats()

    report(0, 1, "read")
    authors = {row[0]: (row[1] or row[2], bool(row[3])) for row in workspace.db.execute(
        "SELECT id, display_name, name, is_bot FROM authors")}
    channels = {row[0]: (row[1], row[2]) for row in workspace.db.execute("SELECT id, name, kind FROM channels")}
    names = {author_id: name for author_id, (name, _) in authors.items() if name}
    group_channels = _group_channels(workspace, channels, persona_id) if settings.group_name_prefix else set()
    total = workspace.db.execute("SELECT count(*) FROM messages").fetchone()[0]

    message_filter = MessageFilter(settings)
    normaliser = MarkupNormaliser(names, {key: name for key, (name, _) in channels.items() if name}) \
        if settings.normalise_markup else None
    redactor = Redactor(settings)
    bots = {author_id for author_id, (_, is_bot) in authors.items() if is_bot}
    dropped = dict.fromkeys(DROP_RULES, 0)
    system_tokens = estimate_tokens(settings.system_prompt) if settings.system_prompt else 0
    budget = max(1, settings.max_tokens_per_sample - system_tokens)
    counts = AssembleCounts()
    samples: list[Sample] = []
    channel_ids: set[int] = set()

    # The history is processed in chunks that end at a channel change or a silence. So no
    # conversation window spans two chunks, and only one chunk of messages is in memory.
    # The cursor returns plain tuples: reading and indexing sqlite3.Row objects took about
    # 20% longer (178,000 messages).
    cursor = workspace.db.cursor()
    cursor.row_factory = None
    cursor.execute(READ_MESSAGES)
    drop_reason = message_filter.drop_reason
    normalise = normaliser.normalise if normaliser else None
    done = 0
    for chunk in _read_chunks(cursor, settings.gap_minutes * 60_000):
        # Filter and normalise markup, in one pass over the messages. Each kept message
        # starts out unredacted, and the few that redaction changes are updated below.
        report(done, total, "filter")
        kept: list[CleanMessage] = []
        texts = []
        for row in chunk:
            message_id, channel_id, author_id, timestamp_ms, message_type, content, is_interaction, \
                attachments, embeds, stickers = row
            reason = drop_reason(message_type, content, author_id in bots, is_interaction,
                                 attachments, embeds, stickers)
            if reason is not None:
                dropped[reason] += 1
                continue
            text = (normalise(content) if normalise else content).strip()
            if not text:
                # Nothing to redact or train on; redaction never blanks a text, since a
                # placeholder replaces each span.
                stats.empty_after_cleaning += 1
                continue
            if author_id == persona_id:
                stats.persona_messages += 1
            kept.append(CleanMessage(message_id, channel_id, author_id, timestamp_ms, text, text, NO_REDACTIONS))
            texts.append(text)
        stats.messages_kept += len(kept)

        # Redact the chunk's texts in one batch.
        report(done, total, "redact")
        for index, result in redactor.redact_all(texts).items():
            message = kept[index]
            message.content = result.content
            message.redactions = result.redactions

        # Windows and samples.
        report(done, total, "samples")
        for window in split_windows(kept, settings.gap_minutes):
            channel_id = window[0].channel_id
            channel_ids.add(channel_id)
            stats.windows += 1
            turns = merge_turns(window, persona_id, names if channel_id in group_channels else None)
            stats.merged_messages += len(window) - len(turns)
            samples.extend(window_samples(channel_id, turns, budget_tokens=budget,
                                          validation_share=settings.validation_share, counts=counts))
        done += len(chunk)

    stats.messages_read = done
    stats.dropped = dropped
    stats.normalised = dict(normaliser.counts) if normaliser else {}
    stats.redactions = dict(redactor.counts)
    stats.channels = len(channel_ids)
    samples.sort(key=lambda sample: (sample.started_ms, sample.channel_id, sample.key))
    _count_samples(stats, samples, counts, system_tokens)
    stats.notes = _one_sided_notes(workspace, persona_id, stats)

    # Store: the only step that writes.
    report(0, 1, "store")
    replaced = replace_samples(workspace, samples)
    stats.kept_decisions = replaced.kept_decisions
    stats.lost_decisions = replaced.lost_decisions
    save_stats(workspace, stats)
    if progress is not None:
        progress(1, 1, "done")

    log.info("build finished in %.2f s: %d messages, %d samples, %d review decisions kept, %d lost",
             time.perf_counter() - started, stats.messages_read, stats.samples,
             stats.kept_decisions, stats.lost_decisions)
    return BuildResult(stats, replaced.kept_decisions, replaced.lost_decisions)


def _read_chunks(cursor: sqlite3.Cursor, gap_ms: float) -> Iterator[list[tuple]]:
    """Yield the cursor's rows (sorted by channel and time) in chunks of at least CHUNK
    rows, each cut where the channel changes or at a silence of at least `gap_ms`.
    Dropping messages only widens silences, so a cut here is a window edge after
    filtering as well."""
    chunk: list[tuple] = []
    while rows := cursor.fetchmany(CHUNK):
        position = 0
        while position < len(rows):
            if len(chunk) < CHUNK:
                # Rows before the minimum size are never cut points, so they are added
                # as one slice instead of row by row.
                take = min(CHUNK - len(chunk), len(rows) - position)
                chunk += rows[position:position + take]
                position += take
                continue

            cut = len(rows)
            previous = chunk[-1]
            for index in range(position, len(rows)):
                row = rows[index]
                if row[1] != previous[1] or row[3] - previous[3] >= gap_ms:
                    cut = index
                    break
                previous = row
            chunk += rows[position:cut]
            position = cut
            if cut < len(rows):
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _group_channels(workspace: Workspace, channels: dict[int, tuple[str | None, str]], persona_id: int) -> set[int]:
    """Return the channels whose user turns name their speaker: group DMs, guild channels
    and threads, and any other channel where more than one person besides the persona
    wrote (bots do not count)."""
    groups = {channel_id for channel_id, (_, kind) in channels.items() if kind in GROUP_KINDS}
    # The distinct (author, channel) pairs come from the author index, so only those few
    # pairs, not every message, are joined with the authors and grouped.
    cursor = workspace.db.execute(
        "SELECT pairs.channel_id FROM (SELECT DISTINCT author_id, channel_id FROM messages WHERE author_id != ?) "
        "AS pairs JOIN authors a ON a.id = pairs.author_id WHERE a.is_bot = 0 "
        "GROUP BY pairs.channel_id HAVING count(*) > 1",
        (persona_id,),
    )
    groups.update(row[0] for row in cursor)
    return groups


def _count_samples(stats: BuildStats, samples: list[Sample], counts: AssembleCounts, system_tokens: int) -> None:
    stats.samples = len(samples)
    stats.turns = sum(len(sample.turns) for sample in samples)
    stats.token_estimate = counts.turn_tokens + system_tokens * len(samples)
    stats.validation_samples = sum(1 for sample in samples if sample.split == "validation")
    stats.train_samples = stats.samples - stats.validation_samples
    stats.windows_without_assistant = counts.windows_without_assistant
    stats.windows_split = counts.windows_split
    stats.leading_assistant_turns = counts.leading_assistant_turns
    stats.trailing_user_turns = counts.trailing_user_turns
    stats.over_budget_exchanges = counts.over_budget_exchanges


def _one_sided_notes(workspace: Workspace, persona_id: int, stats: BuildStats) -> list[str]:
    """Warn when the persona's messages come from sources that hold only the owner's side
    (Discord's data package), because those messages have no replies to learn from."""
    if workspace.db.execute("SELECT EXISTS (SELECT 1 FROM sources WHERE one_sided = 1)").fetchone()[0]:
        one_sided, total = workspace.db.execute(
            "SELECT coalesce(sum(s.one_sided), 0), count(*) FROM messages m "
            "JOIN sources s ON s.id = m.source_id WHERE m.author_id = ?",
            (persona_id,),
        ).fetchone()
    else:
        # No one-sided source: counting the persona's messages needs only the author index.
        one_sided = 0
        total = workspace.db.execute("SELECT count(*) FROM messages WHERE author_id = ?", (persona_id,)).fetchone()[0]
    stats.one_sided_persona_messages = one_sided
    if total == 0:
        return [f"Author {persona_id} wrote none of the stored messages; check the id with `persona-tui authors`."]
    if one_sided == total:
        return ["All of the persona's messages come from a data package, which holds only their side: "
                "they carry no replies, so they give no samples. Import a DiscordChatExporter export "
                "of the same channels for the other side."]
    if one_sided:
        return [f"{one_sided:,} of the persona's {total:,} messages come from a data package and carry no "
                "replies; only channels with the other side exported give samples."]
    return []
