"""Discord data package variants, as folders and as a zip, built in tmp_path."""

import calendar
import json
import shutil
import zipfile

import pytest

from persona_tui.sources.importer import import_paths

OWNER_ID = 300000000000000001
DM_CHANNEL = 310000000000000001
GUILD_CHANNEL = 310000000000000002


def epoch_ms(*parts: int) -> int:
    return calendar.timegm(parts) * 1000


JSON_MESSAGES = [
    # Newest first, as the package writes them; IDs are bare JSON integers.
    {"ID": 1017588758238990389, "Timestamp": "2022-09-09 00:15:00", "Contents": "later <:pog:123>",
     "Attachments": ""},
    {"ID": 1017588758238990388, "Timestamp": "2022-09-09 00:14:25", "Contents": "hello",
     "Attachments": "https://cdn.discordapp.com/a.png https://cdn.discordapp.com/b.png"},
]

CSV_MESSAGES = (
    "ID,Timestamp,Contents,Attachments\n"
    '1165330000000000001,2023-10-21 15:46:16.595000+00:00,"```py\nprint(""hi"")\n```",\n'
    '1165330000000000002,2023-10-21 15:47:00+00:00,"""Vintergatan"", a song",https://cdn.discordapp.com/c.png\n'
)


def build_package(root, *, messages_folder="Messages", account_folder="Account", prefix="c",
                  csv=False, recipients=None):
    (root / account_folder).mkdir(parents=True)
    (root / account_folder / "user.json").write_text(json.dumps(
        {"id": str(OWNER_ID), "username": "owner", "discriminator": "0", "global_name": "The Owner"}))

    messages_root = root / messages_folder
    dm = messages_root / f"{prefix}{DM_CHANNEL}"
    dm.mkdir(parents=True)
    (dm / "channel.json").write_text(json.dumps(
        {"id": str(DM_CHANNEL), "type": 1, "recipients": recipients or [str(OWNER_ID), "320000000000000009"]}))
    (dm / "messages.json").write_text(json.dumps(JSON_MESSAGES))

    guild = messages_root / f"{prefix}{GUILD_CHANNEL}"
    guild.mkdir()
    (guild / "channel.json").write_text(json.dumps(
        {"id": str(GUILD_CHANNEL), "type": 0, "name": "general", "guild": {"id": "330000000000000001", "name": "Club"}}))
    if csv:
        (guild / "messages.csv").write_bytes(CSV_MESSAGES.encode())
    else:
        (guild / "messages.json").write_text("[]")

    (messages_root / "index.json").write_text(json.dumps(
        {str(DM_CHANNEL): "Direct Message with friend#1234", str(GUILD_CHANNEL): "general in Club"}))
    return root


def stored_rows(workspace):
    return [tuple(row) for row in workspace.db.execute(
        "SELECT id, channel_id, author_id, timestamp_ms, content, attachment_count FROM messages ORDER BY id")]


EXPECTED_JSON_ROWS = [
    (1017588758238990388, DM_CHANNEL, OWNER_ID, epoch_ms(2022, 9, 9, 0, 14, 25), "hello", 2),
    (1017588758238990389, DM_CHANNEL, OWNER_ID, epoch_ms(2022, 9, 9, 0, 15, 0), "later <:pog:123>", 0),
]

EXPECTED_CSV_ROWS = [
    (1165330000000000001, GUILD_CHANNEL, OWNER_ID, epoch_ms(2023, 10, 21, 15, 46, 16) + 595,
     '```py\nprint("hi")\n```', 0),
    (1165330000000000002, GUILD_CHANNEL, OWNER_ID, epoch_ms(2023, 10, 21, 15, 47, 0),
     '"Vintergatan", a song', 1),
]


@pytest.mark.parametrize("messages_folder, account_folder, prefix", [
    ("Messages", "Account", "c"),         # 2025 and later
    ("messages", "account", "c"),         # until 2025
    ("Nachrichten", "Konto", "c"),        # translated folders since mid-2025
    ("Wiadomości", "Konto", "c"),
    ("messages", "account", ""),          # before late 2021: no 'c' before the channel id
])
def test_package_folder_layouts(workspace, tmp_path, messages_folder, account_folder, prefix):
    root = build_package(tmp_path / "package", messages_folder=messages_folder,
                         account_folder=account_folder, prefix=prefix)

    report = import_paths(workspace, [root])

    [result] = report.sources
    assert result.kind == "package"
    assert result.status == "imported"
    assert result.one_sided
    assert "no replies" in result.note
    assert result.messages_read == 2
    assert stored_rows(workspace) == EXPECTED_JSON_ROWS


def test_package_owner_and_channels(workspace, tmp_path):
    root = build_package(tmp_path / "package")

    import_paths(workspace, [root])

    owner = workspace.db.execute("SELECT id, name, display_name FROM authors").fetchall()
    assert [tuple(row) for row in owner] == [(OWNER_ID, "owner", "The Owner")]
    channels = workspace.db.execute("SELECT id, kind, name, guild_id, guild_name FROM channels ORDER BY id").fetchall()
    assert [tuple(row) for row in channels] == [
        (DM_CHANNEL, "dm", "Direct Message with friend#1234", None, None),
        (GUILD_CHANNEL, "guild", "general", 330000000000000001, "Club"),
    ]
    assert workspace.db.execute("SELECT one_sided, kind FROM sources").fetchone()[0] == 1


def test_package_csv_multiline(workspace, tmp_path):
    root = build_package(tmp_path / "package", csv=True)

    report = import_paths(workspace, [root])

    assert report.sources[0].messages_read == 4
    assert stored_rows(workspace) == EXPECTED_JSON_ROWS + EXPECTED_CSV_ROWS


def test_package_deleted_user_recipient(workspace, tmp_path):
    root = build_package(tmp_path / "package", recipients=[str(OWNER_ID), "Deleted User"])

    report = import_paths(workspace, [root])

    assert report.sources[0].status == "imported"
    assert stored_rows(workspace) == EXPECTED_JSON_ROWS


def test_package_zip(workspace, tmp_path):
    root = build_package(tmp_path / "package", csv=True)
    archive = shutil.make_archive(str(tmp_path / "package"), "zip", root)

    report = import_paths(workspace, [archive])

    [result] = report.sources
    assert (result.kind, result.status, result.one_sided) == ("package", "imported", True)
    assert stored_rows(workspace) == EXPECTED_JSON_ROWS + EXPECTED_CSV_ROWS


def test_package_zip_with_top_folder(workspace, tmp_path):
    # Some unzip-and-rezip round trips put everything under one top folder.
    root = build_package(tmp_path / "src" / "package")
    archive = tmp_path / "nested.zip"
    with zipfile.ZipFile(archive, "w") as output:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                output.write(path, path.relative_to(tmp_path / "src").as_posix())

    report = import_paths(workspace, [archive])

    assert report.sources[0].status == "imported"
    assert stored_rows(workspace) == EXPECTED_JSON_ROWS


def test_package_reimport_unchanged(workspace, tmp_path):
    root = build_package(tmp_path / "package")
    import_paths(workspace, [root])

    report = import_paths(workspace, [root])

    assert report.sources[0].status == "unchanged"
    assert report.new_messages == 0
    assert workspace.db.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
