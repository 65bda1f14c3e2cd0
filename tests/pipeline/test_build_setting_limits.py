"""Build settings and options outside their valid range are rejected before anything is stored."""

import math

import pytest
from persona_tui.cli import main
from persona_tui.pipeline.settings import SETTINGS_KEY, PipelineSettings, load_settings

PERSONA = 1000


def build_cli(workspace, *options):
    return main(["build", "-w", str(workspace.root), *options])


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_validate_rejects_nonfinite_gap(value):
    problems = PipelineSettings(gap_minutes=value).validate()

    assert len(problems) == 1
    assert problems[0].startswith(f"gap_minutes is {value!r}; it must be a finite number")


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_validate_rejects_nonfinite_share(value):
    problems = PipelineSettings(validation_share=value).validate()

    assert len(problems) == 1
    assert problems[0].startswith(f"validation_share is {value!r}; it must be a finite number")


@pytest.mark.parametrize("option", ["--gap-minutes", "--validation-share"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_cli_rejects_nonfinite_floats(workspace, store, capsys, option, value):
    with pytest.raises(SystemExit) as exit_info:
        # The `=` form, because argparse reads a separate "-inf" as an option.
        build_cli(workspace, "--me", str(PERSONA), f"{option}={value}")

    assert exit_info.value.code == 2
    assert f"invalid number {value!r}; the value must be finite" in capsys.readouterr().err
    assert workspace.get_setting(SETTINGS_KEY, None) is None


@pytest.mark.parametrize("tokens", [63, 1_000_001, 99999999999999999999999])
def test_cli_rejects_token_budget_range(workspace, store, capsys, tokens):
    assert build_cli(workspace, "--me", str(PERSONA), "--max-tokens-per-sample", str(tokens)) == 1

    error = capsys.readouterr().err
    assert f"max_tokens_per_sample is {tokens}; it must be a whole number from 64 to 1,000,000." in error
    assert workspace.get_setting(SETTINGS_KEY, None) is None


@pytest.mark.parametrize("author", ["99999999999999999999999", "0", "-5", str(2**63)])
def test_cli_rejects_author_outside_snowflake(workspace, store, capsys, author):
    assert build_cli(workspace, "--me", author) == 1

    error = capsys.readouterr().err
    assert f"persona_author_id is {author}; it must be an author id (a snowflake from 1 to 9223372036854775807)" in error
    assert workspace.get_setting(SETTINGS_KEY, None) is None


def test_cli_accepts_largest_snowflake_without_messages(workspace, store, capsys):
    # 2**63 - 1 is a valid id, so the range check passes and the no-messages check answers.
    assert build_cli(workspace, "--me", str(2**63 - 1)) == 1

    error = capsys.readouterr().err
    assert "Author 9223372036854775807 wrote none of the stored messages" in error
    assert "`persona-tui authors` lists the ids" in error


def test_cli_me_without_messages_keeps_stored_persona(workspace, store, capsys):
    store.conversation([(2000, "hi", 0), (PERSONA, "hey", 1)])
    assert build_cli(workspace, "--me", str(PERSONA)) == 0

    # 2000 is the friend, who wrote; 3000 is a stored author who wrote nothing.
    assert build_cli(workspace, "--me", "3000") == 1

    assert "Author 3000 wrote none of the stored messages" in capsys.readouterr().err
    assert load_settings(workspace).persona_author_id == PERSONA


@pytest.mark.parametrize("value", [",,,", "Default,,Reply", ""])
def test_cli_rejects_empty_keep_types(workspace, store, capsys, value):
    assert build_cli(workspace, "--me", str(PERSONA), "--keep-types", value) == 1

    assert f"--keep-types {value!r} has an empty entry" in capsys.readouterr().err
    assert workspace.get_setting(SETTINGS_KEY, None) is None


def test_validate_rejects_empty_keep_types():
    assert PipelineSettings(keep_types=[]).validate() == [
        "keep_types is empty, so every message would be dropped; name at least one message type, e.g. Default,Reply,0,19."]


@pytest.mark.parametrize(("value", "problem"), [
    ("ZZ", "phone_regions has unknown region codes ['ZZ']"),
    ("US,XX", "phone_regions has unknown region codes ['XX']"),
    ("us", "phone_regions has unknown region codes ['us']"),
    ("US,,XX", "--phone-regions 'US,,XX' has an empty entry"),
])
def test_cli_rejects_bad_phone_regions(workspace, store, capsys, value, problem):
    assert build_cli(workspace, "--me", str(PERSONA), "--phone-regions", value) == 1

    assert problem in capsys.readouterr().err
    assert workspace.get_setting(SETTINGS_KEY, None) is None


def test_validate_accepts_known_regions():
    assert PipelineSettings(phone_regions=["US", "GB", "DE"]).validate() == []
