"""Every real export in the shared samples, imported and built, with counts worked out by hand.

How the expected values were found: list every message of every file (id, type, author,
isBot, content, attachment/embed/sticker counts), then apply the rules by hand.

- Distinct message ids, 23 in all: DM_2A_2M 3, GC_3A_5M 4 new, SV_5A_5M 4 (one id
  appears twice), chill-talk and its variant 6 together, general 1, thread-thomas 5.
  GC_3A_5M's ids 530805779645595660 and 100 are also in DM_2A_2M, and the first import
  keeps them, in the DM.
- Dropped: `type` 3 (the DM's Call, GC's ChannelNameChange and ChannelIconChange),
  `bot` 1 (the DM's "something something text"). The Call's author is also a bot, but
  the type rule comes first. "RICK NITRO" is not flagged as a bot, and the SV message with
  an attachment and a sticker has text, so both stay. 19 messages are kept.
- No markup fallback (@Unknown, #deleted-channel...) and no personal data occur; the two
  links are ordinary links.
- Persona Adam (521486476985155645) wrote 5 kept messages: 2 in chill talk, 1 in general,
  2 in the thread. All channels are single windows (minutes apart), so 6 windows.
  DM, GC and SV have no Adam message, and general only his: 4 windows without an
  assistant turn. Leading assistant turns dropped: chill talk, general, thread (3).
  Trailing user turns dropped: DM, GC, SV, chill talk, thread (5).
- Merged messages (messages minus turns per window): GC 2-1, SV 4-1, chill talk 6-4,
  thread 5-4: 1 + 3 + 2 + 1 = 7.
- Samples: chill talk and the thread give one each, two turns each.
"""

import orjson

from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.dataset import export_dataset
from persona_tui.pipeline.sample_store import list_rows, load_sample
from persona_tui.pipeline.settings import PipelineSettings, save_settings
from persona_tui.pipeline.together_format import format_errors
from persona_tui.sources.importer import import_paths

ADAM = 521486476985155645


def import_all(workspace, samples_dir):
    paths = sorted(samples_dir.glob("*/*.json"))
    assert len(paths) == 7
    report = import_paths(workspace, paths)
    assert report.failed == []


def test_real_samples_counts(workspace, samples_dir):
    import_all(workspace, samples_dir)
    save_settings(workspace, PipelineSettings(persona_author_id=ADAM))
    stats = build_samples(workspace).stats

    assert stats.messages_read == 23
    assert {rule: count for rule, count in stats.dropped.items() if count} == {"type": 3, "bot": 1}
    assert stats.messages_kept == 19
    assert stats.normalised == {}
    assert stats.redactions == {}
    assert stats.persona_messages == 5
    assert stats.channels == 6
    assert stats.windows == 6
    assert stats.windows_without_assistant == 4
    assert stats.leading_assistant_turns == 3
    assert stats.trailing_user_turns == 5
    assert stats.merged_messages == 7
    assert stats.samples == 2
    assert stats.turns == 4


def test_real_samples_turns(workspace, samples_dir):
    import_all(workspace, samples_dir)
    save_settings(workspace, PipelineSettings(persona_author_id=ADAM))
    build_samples(workspace)

    samples = [load_sample(workspace, row.key)[0] for row in list_rows(workspace)]
    # The thread (14:26 UTC) comes before chill talk (16:11 UTC) on 2023-01-06.
    assert [[turn.content for turn in sample.turns] for sample in samples] == [
        [
            "Thomas: thanks!\nPatrick: @Adam Threads are not in my own exports. How can I fix it?",
            "You need to use CLI version of DiscordChatExporter. Threads and forum posts are channels too. "
            "You export them the same way as you would export a channel with`--channel CHANNEL_ID` "
            "command line argument.",
        ],
        [
            "Patrick: Yeah, it's winter :thisisfine:\n"
            "RICK NITRO: Free nitro giveaway! https://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
            "Thomas: @Adam delete this please",
            "Done",
        ],
    ]


def test_real_samples_dataset_lines(workspace, samples_dir, tmp_path):
    import_all(workspace, samples_dir)
    save_settings(workspace, PipelineSettings(persona_author_id=ADAM, validation_share=0))
    build_samples(workspace)
    result = export_dataset(workspace, tmp_path / "dataset")

    lines = result.train_path.read_bytes().splitlines()
    assert len(lines) == 2
    for line in lines:
        assert format_errors(orjson.loads(line)) == []
