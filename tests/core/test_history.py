from persona_tui.chat.history import HistoryMessage, build_messages, current_window

MINUTE = 60_000


def msg(role, content, minute):
    return HistoryMessage(role, content, minute * MINUTE)


def test_window_starts_after_last_silence():
    history = [msg("user", "a", 0), msg("assistant", "b", 1), msg("user", "c", 70), msg("assistant", "d", 75)]
    assert [m.content for m in current_window(history, 60)] == ["c", "d"]


def test_silence_just_under_gap_stays_in_window():
    history = [msg("user", "a", 0), msg("assistant", "b", 59)]
    assert [m.content for m in current_window(history, 60)] == ["a", "b"]


def test_build_merges_and_adds_system():
    history = [msg("user", "hi", 0), msg("user", "you there", 1), msg("assistant", "yeah", 2)]
    assert build_messages(history, "You are Sam.") == [
        {"role": "system", "content": "You are Sam."},
        {"role": "user", "content": "hi\nyou there"},
        {"role": "assistant", "content": "yeah"},
    ]


def test_build_drops_leading_persona_turns():
    history = [msg("assistant", "morning", 0), msg("user", "hey", 1)]
    assert build_messages(history, "S") == [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "hey"},
    ]


def test_build_keeps_last_turns_only():
    history = [msg("user" if i % 2 == 0 else "assistant", str(i), i) for i in range(10)]
    messages = build_messages(history, "S", max_turns=4)
    assert [m["content"] for m in messages] == ["S", "6", "7", "8", "9"]
