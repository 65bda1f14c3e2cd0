import pytest

from persona_tui.pipeline.together_format import format_errors


def line(*roles):
    return {"messages": [{"role": role, "content": f"text {i}"} for i, role in enumerate(roles)]}


@pytest.mark.parametrize("roles", [
    ("system", "user", "assistant"),
    ("user", "assistant"),
    ("system", "user", "assistant", "user", "assistant"),
])
def test_valid_lines(roles):
    assert format_errors(line(*roles)) == []


@pytest.mark.parametrize(("value", "expected"), [
    (line("system", "assistant"), "the first turn after the system message must be a user turn"),
    (line("system", "user", "user", "assistant"), "user and assistant turns must alternate"),
    (line("system", "user"), "the last turn must be an assistant turn"),
    (line("user", "system", "assistant"), "messages[1] is a system message after the first position"),
    ({"messages": []}, "`messages` is missing or empty"),
    ([1, 2], "the line is not a JSON object"),
    ({"messages": [{"role": "user", "content": "a"}, {"role": "bot", "content": "b"}]},
     "messages[1] has unknown role 'bot'"),
    ({"messages": [{"role": "user", "content": "  "}, {"role": "assistant", "content": "b"}]},
     "messages[0] has empty content"),
    ({"messages": [{"role": "user"}]}, "messages[0] must have exactly `role` and `content`"),
])
def test_invalid_lines(value, expected):
    assert expected in format_errors(value)


def test_extra_top_level_key():
    value = line("user", "assistant") | {"text": "x"}
    assert format_errors(value) == ["unexpected top-level keys ['text']"]
