"""Preflight: format errors, the independent personal-data scan, counts and the price."""

import json

import pytest

from persona_tui.training.client import make_client
from persona_tui.training.launch import upload_dataset
from persona_tui.training.personal_data_scan import scan_text
from persona_tui.training.preflight import run_preflight
from persona_tui.training.settings import TrainingSettings

SETTINGS = TrainingSettings(model="Qwen/Qwen3.5-9B", n_epochs=2, batch_size=8, n_evals=3)


def line(user: str, assistant: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]})


@pytest.mark.parametrize(("text", "expected"), [
    ("call me at +1 415 555 2671", [("phone", "+1 415 555 2671")]),
    ("write to bob@example.com", [("email", "bob@example.com")]),
    ("card 4111 1111 1111 1111", [("card", "4111 1111 1111 1111")]),
    ("GB82 WEST 1234 5698 7654 32", [("iban", "GB82 WEST 1234 5698 7654 32")]),
    ("ssn 123-45-6789", [("ssn", "123-45-6789")]),
    ("join discord.gg/abc", [("invite", "discord.gg/abc")]),
    ("token tgp_v1_abcdefghijklmnopqrstuv", [("secret", "tgp_v1_abcdefghijklmnopqrstuv")]),
    ("server 10.0.0.12", [("ip", "10.0.0.12")]),
])
def test_scan_finds_personal_data(text, expected):
    assert scan_text(text) == expected


@pytest.mark.parametrize("text", [
    "at 10:30 on 2024-01-02 for $15.99",
    "version v1.2.3 scored 3-1",
    "message 123456789012345678 at 1700000000",
    "card 4111 1111 1111 1112",
    "[PHONE] [EMAIL] [ADDRESS]",
])
def test_scan_ignores_look_alikes(text):
    assert scan_text(text) == []


def test_preflight_reports_errors_and_findings(workspace, tmp_path):
    train = tmp_path / "train.jsonl"
    train.write_text("\n".join([
        line("hi", "hello"),
        line("what's your mail?", "it's ann@example.org"),
        json.dumps({"messages": [{"role": "assistant", "content": "no user turn"}]}),
        "not json",
    ]) + "\n", encoding="utf-8")

    report = run_preflight(workspace, train, None, SETTINGS)

    assert report.train.samples == 2
    # Contents: "hi" 1, "hello" 2, "what's your mail?" (17 chars) 5, "it's ann@example.org" (20) 5.
    assert report.train.tokens == 1 + 2 + 5 + 5
    assert report.error_count == 2
    assert [error.line for error in report.line_errors] == [3, 4]
    assert report.format_ok is False
    assert [(item.line, item.kind, item.text) for item in report.findings] == [(2, "email", "ann@example.org")]
    assert report.needs_confirmation is True
    assert report.price.available is False


def test_preflight_price_after_upload(sandbox_workspace, dataset):
    client = make_client(sandbox_workspace, max_retries=0)
    before = run_preflight(sandbox_workspace, dataset[0], dataset[1], SETTINGS, client)
    assert before.price.available is False
    assert "shown after the upload" in before.price.reason

    upload_dataset(client, sandbox_workspace, dataset[0], dataset[1], poll_seconds=0)
    after = run_preflight(sandbox_workspace, dataset[0], dataset[1], SETTINGS, client)
    # (2 epochs x 40 lines + 3 evals x 8 lines) x 6 tokens at $0.48 per million.
    assert after.price.total_price == pytest.approx((2 * 40 + 3 * 8) * 6 * 0.48 / 1_000_000)
    assert after.format_ok is True
    assert after.findings == []


@pytest.mark.parametrize(("text", "expected"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", []),
    ("read https://en.wikipedia.org/wiki/Capybara lol", []),
    ("https://example.com/?keyboard=1&author=me", []),
    ("https://x.example/a?access_token=abc123", [("url", "https://x.example/a?access_token=abc123")]),
    ("https://s3.example/f?X-Amz-Signature=deadbeef&a=1", [("url", "https://s3.example/f?X-Amz-Signature=deadbeef&a=1")]),
    ("https://bob:hunter2@host.example/x", [("url", "https://bob:hunter2@host.example/x")]),
    ("https://a.example/?apikey=zz", [("url", "https://a.example/?apikey=zz")]),
])
def test_scan_flags_only_credential_links(text, expected):
    assert scan_text(text) == expected
