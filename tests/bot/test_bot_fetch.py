"""Fetching a channel's history through the bot, with discord.py against simcord."""

import pytest
import simcord
import discord

from persona_tui.sources.fetch import FetchError, fetch_channel_history


def stored(workspace, channel_id):
    rows = workspace.db.execute(
        "SELECT content, type, author_id FROM messages WHERE channel_id = ? ORDER BY id", (channel_id,)
    )
    return [tuple(row) for row in rows]


async def test_fetch_stores_then_resumes(workspace):
    client = discord.Client(intents=discord.Intents.default())
    async with simcord.run(client, approved_intents=discord.Intents.all()) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        alice = guild.add_member(env.create_user("alice"))
        for text in ("one", "two", "three"):
            await alice.send(channel, text)

        counts = []
        first = await fetch_channel_history(client, workspace, channel.id, progress=counts.append, batch_size=2)
        assert (first.fetched, first.new, first.resumed_after) == (3, 3, None)
        assert counts == [2, 3]

        await alice.send(channel, "four")
        second = await fetch_channel_history(client, workspace, channel.id)

    assert (second.fetched, second.new) == (1, 1)
    assert second.resumed_after is not None
    assert [row[0] for row in stored(workspace, channel.id)] == ["one", "two", "three", "four"]
    assert {row[1] for row in stored(workspace, channel.id)} == {"Default"}
    state = workspace.db.execute("SELECT fetched_count FROM fetch_state WHERE channel_id = ?", (channel.id,)).fetchone()
    assert state[0] == 4
    kinds = [tuple(row) for row in workspace.db.execute("SELECT kind, message_count, new_count FROM sources")]
    assert kinds == [("fetch", 3, 3), ("fetch", 1, 1)]


async def test_fetch_own_dm_channel(workspace):
    client = discord.Client(intents=discord.Intents.default())
    async with simcord.run(client) as env:
        bob = env.create_user("bob")
        await bob.send_dm("hi bot")
        result = await fetch_channel_history(client, workspace, bob.dm_channel.id)

    assert result.new == 1
    assert stored(workspace, bob.dm_channel.id) == [("hi bot", "Default", bob.id)]
    kind = workspace.db.execute("SELECT kind FROM channels WHERE id = ?", (bob.dm_channel.id,)).fetchone()[0]
    assert kind == "dm"


async def test_fetch_unknown_channel_explains(workspace):
    client = discord.Client(intents=discord.Intents.default())
    async with simcord.run(client):
        with pytest.raises(FetchError) as error:
            await fetch_channel_history(client, workspace, 123456789012345678)
    assert "Channel 123456789012345678 was not found" in str(error.value)
    assert "cannot read a person's private DMs with friends" in str(error.value)
