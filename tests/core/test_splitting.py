from persona_tui.chat.splitting import cut_to_limit, split_reply


def test_split_one_message_per_line():
    assert split_reply("hey\n\nwhat's up\n  lol  ") == ["hey", "what's up", "lol"]


def test_split_keeps_code_block_whole():
    text = "look\n```py\nx = 1\n\ny = 2\n```\nnice"
    assert split_reply(text) == ["look", "```py\nx = 1\n\ny = 2\n```", "nice"]


def test_split_unclosed_fence_kept():
    assert split_reply("```\nabc") == ["```\nabc"]


def test_split_empty_reply():
    assert split_reply("") == []
    assert split_reply("\n \n") == []


def test_cut_prefers_spaces():
    assert cut_to_limit("aaaa bbbb cccc", 9) == ["aaaa bbbb", "cccc"]


def test_cut_without_spaces_is_hard():
    assert cut_to_limit("x" * 4500, 2000) == ["x" * 2000, "x" * 2000, "x" * 500]


def test_every_piece_within_discord_limit():
    text = ("word " * 1000).strip()  # 4,999 characters on one line
    pieces = split_reply(text)
    assert [len(piece) for piece in pieces] == [1999, 1999, 999]
