"""The reply policy, limits, history and reply text of the bot, without Discord."""

from persona_tui.bot.conversation import Conversation
from persona_tui.bot.limits import DailyCap, PerUserRateLimit
from persona_tui.bot.policy import IncomingMessage, decide
from persona_tui.bot.reply_text import reply_messages, truncate_reply
from persona_tui.bot.settings import BotSettings, load_bot_settings, save_bot_settings

BOT_ID = 900


def incoming(author_id=10, *, bot=False, dm=True, mentions=False, channel_id=50):
    return IncomingMessage(
        message_id=1, author_id=author_id, author_is_bot=bot, channel_id=channel_id,
        is_dm=dm, mentions_bot=mentions, content="hi", timestamp_ms=0,
    )


def test_policy_empty_allowlist_answers_nobody():
    assert decide(incoming(), BotSettings(), BOT_ID).answer is False


def test_policy_allowlisted_dm_is_answered():
    settings = BotSettings(allowed_user_ids=[10])
    assert decide(incoming(10), settings, BOT_ID).answer is True
    assert decide(incoming(11), settings, BOT_ID).answer is False


def test_policy_ignores_bots_and_itself():
    settings = BotSettings(allow_everyone=True)
    assert decide(incoming(BOT_ID), settings, BOT_ID).answer is False
    assert decide(incoming(10, bot=True), settings, BOT_ID).answer is False
    assert decide(incoming(10), settings, BOT_ID).answer is True


def test_policy_mentions_need_switch_and_channel():
    off = BotSettings(allowed_user_ids=[10], mention_channel_ids=[50])
    on = BotSettings(allowed_user_ids=[10], answer_mentions=True, mention_channel_ids=[50])
    assert decide(incoming(dm=False, mentions=True), off, BOT_ID).answer is False
    assert decide(incoming(dm=False, mentions=True), on, BOT_ID).answer is True
    assert decide(incoming(dm=False, mentions=False), on, BOT_ID).answer is False
    assert decide(incoming(dm=False, mentions=True, channel_id=51), on, BOT_ID).answer is False


def test_rate_limit_per_user_window():
    limit = PerUserRateLimit(2)
    assert limit.allow(1, 0.0) is True
    assert limit.allow(1, 10.0) is True
    assert limit.allow(1, 20.0) is False       # third in the hour
    assert limit.allow(2, 20.0) is True        # another user has their own budget
    assert limit.allow(1, 3600.0) is True      # the reply at 0 s left the window


def test_daily_cap_resets_at_utc_midnight():
    cap = DailyCap(1)
    day_one = 1_700_000_000.0                  # 2023-11-14 22:13:20 UTC
    assert cap.allow(day_one) is True
    assert cap.allow(day_one + 60) is False
    assert cap.allow(day_one + 2 * 3600) is True   # 2023-11-15 00:13:20 UTC


def test_conversation_restarts_after_gap():
    conversation = Conversation(gap_minutes=60, max_messages=100)
    conversation.add("user", "old", 0)
    conversation.add("assistant", "old reply", 60_000)
    conversation.add("user", "new", 60_000 + 3_600_000)
    assert [message.content for message in conversation.history()] == ["new"]


def test_conversation_keeps_max_messages():
    conversation = Conversation(gap_minutes=60, max_messages=3)
    for index in range(5):
        conversation.add("user", str(index), index)
    assert [message.content for message in conversation.history()] == ["2", "3", "4"]


def test_truncate_reply_at_word():
    assert truncate_reply("aaa bbb ccc", 9) == "aaa bbb"
    assert truncate_reply("abcdefghij", 4) == "abcd"
    assert truncate_reply("short", 10) == "short"


def test_reply_messages_split_and_limit():
    long_line = "x" * 2500
    pieces = reply_messages(f"hey\nhow are you\n{long_line}", 10_000)
    assert pieces[:2] == ["hey", "how are you"]
    assert pieces[2:] == ["x" * 2000, "x" * 500]


def test_settings_round_trip(workspace):
    settings = BotSettings(allowed_user_ids=[1, 2], debounce_seconds=2.5)
    save_bot_settings(workspace, settings)
    loaded = load_bot_settings(workspace)
    assert loaded.allowed_user_ids == [1, 2]
    assert loaded.debounce_seconds == 2.5
    assert loaded.allow_everyone is False


def test_settings_reject_inverted_delay():
    assert BotSettings(delay_min_seconds=3, delay_max_seconds=1).validate() != []
