"""Secrets: environment first, a real keyring backend, the headless fallback, masking,
and that no secret reaches the database, the log or an error message."""

import logging

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from persona_tui import secrets
from persona_tui.logs import configure_logging
from persona_tui.training.client import MissingApiKeyError, make_client
from persona_tui.training.launch import launch
from persona_tui.training.settings import TrainingSettings

SENTINEL = "tgp_v1_sentinel0123456789abcdef9f2c"


@pytest.fixture(autouse=True)
def isolated_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "system-keyring.cfg")
    keyring.set_keyring(backend)
    yield
    keyring.set_keyring(previous)


def test_keyring_round_trip():
    assert secrets.get_secret("together_api_key") is None
    secrets.set_secret("together_api_key", SENTINEL)
    assert secrets.get_secret("together_api_key") == SENTINEL
    assert secrets.secret_source("together_api_key") == "keyring"
    assert secrets.delete_secret("together_api_key") is True
    assert secrets.delete_secret("together_api_key") is False
    assert secrets.get_secret("together_api_key") is None


def test_environment_wins_over_keyring(monkeypatch):
    secrets.set_secret("discord_bot_token", "stored-token-value-123")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "environment-token-456")
    assert secrets.get_secret("discord_bot_token") == "environment-token-456"
    assert secrets.secret_source("discord_bot_token") == "environment"


def test_no_backend_explains_alternatives():
    keyring.set_keyring(fail.Keyring())
    assert secrets.get_secret("together_api_key") is None
    with pytest.raises(secrets.SecretStoreError) as raised:
        secrets.set_secret("together_api_key", SENTINEL)
    message = str(raised.value)
    assert "No system keyring" in message
    assert "TOGETHER_API_KEY" in message
    assert "persona-tui keys use-file" in message
    assert SENTINEL not in message


def test_file_backend_is_user_only(tmp_path):
    keyring.set_keyring(fail.Keyring())
    path = secrets.use_file_backend()
    secrets.set_secret("together_api_key", SENTINEL)

    assert path == tmp_path / "config" / "persona-tui" / "secrets.cfg"
    assert path.stat().st_mode & 0o777 == 0o600
    assert secrets.get_secret("together_api_key") == SENTINEL
    secrets.use_system_keyring()
    assert secrets.get_secret("together_api_key") is None


def test_unknown_name_rejected():
    with pytest.raises(secrets.SecretStoreError, match="Unknown secret name 'github'"):
        secrets.get_secret("github")


@pytest.mark.parametrize(("value", "masked"), [
    ("tgp_v1_abcdef0123456789f2c", "tgp_…9f2c"),
    ("MTAxNTk4.GhIjKl.abcdefghijklmnop", "…mnop"),
    ("short-key", "…ey"),
    ("", "(not set)"),
    (None, "(not set)"),
])
def test_mask_hides_secret(value, masked):
    assert secrets.mask(value) == masked


def test_missing_key_error_names_fix(workspace):
    with pytest.raises(MissingApiKeyError) as raised:
        make_client(workspace)
    assert "persona-tui keys set together_api_key" in str(raised.value)


def test_secret_never_stored_or_logged(workspace, sandbox, dataset, monkeypatch, caplog):
    # A workspace on the sandbox without the sandbox flag sends the real key from secrets.
    monkeypatch.setenv("TOGETHER_API_KEY", SENTINEL)
    workspace.set_setting("together_base_url", sandbox.base_url)
    log_path = configure_logging(workspace.logs_dir)
    caplog.set_level(logging.DEBUG)

    client = make_client(workspace, max_retries=0)
    launch(workspace, client, dataset[0], dataset[1],
           TrainingSettings(model="Qwen/Qwen3.5-9B", n_epochs=1, batch_size=8, n_evals=2), poll_seconds=0)
    workspace.db.execute("PRAGMA wal_checkpoint(FULL)")
    logging.shutdown()

    stored = b"".join(path.read_bytes() for path in workspace.root.rglob("*") if path.is_file())
    assert SENTINEL.encode() not in stored
    assert SENTINEL not in log_path.read_text(encoding="utf-8")
    assert SENTINEL not in caplog.text
