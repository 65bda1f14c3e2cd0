"""The Export tab's fetch through the bot: discord.py against simcord, from the dialog."""

import asyncio
import threading

import discord
import simcord
from textual.widgets import DataTable

from persona_tui.sources.fetch import fetch_channels
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.export import ExportTab
from persona_tui.tui.screens.fetch_dialog import FetchDialog

SIZE = (100, 40)


class SimcordDiscord:
    """A simcord Discord with one server channel of three messages, on its own loop thread,
    so the channel id is known before the dialog requests it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stop = asyncio.run_coroutine_threadsafe(self.make_stop_event(), self.loop).result()
        self.ready = threading.Event()
        self.session = asyncio.run_coroutine_threadsafe(self.serve(), self.loop)
        assert self.ready.wait(10)

    async def make_stop_event(self):
        return asyncio.Event()

    async def serve(self) -> None:
        self.client = discord.Client(intents=discord.Intents.default())
        async with simcord.run(self.client, approved_intents=discord.Intents.all()) as env:
            guild = env.create_guild()
            channel = guild.create_text_channel("general")
            alice = guild.add_member(env.create_user("alice"))
            for text in ("one", "two", "three"):
                await alice.send(channel, text)
            self.channel_id = channel.id
            self.ready.set()
            await self.stop.wait()

    def fetch_coroutine(self, workspace):
        """Return a replacement for ExportTab.fetch_coroutine that runs the real fetch on this loop."""

        def start(token, channel_ids, progress):
            future = asyncio.run_coroutine_threadsafe(
                fetch_channels(self.client, workspace, channel_ids, progress=progress), self.loop
            )
            return asyncio.wrap_future(future)

        return start

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.session.result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def table_rows(app, table_id):
    table = app.query_one(table_id, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_fetch_dialog_fetches_channel(workspace, monkeypatch):
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "fake.bot.token-for-simcord-1234")
    discord_stand_in = SimcordDiscord()
    try:
        async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
            await pilot.pause()
            tab = pilot.app.query_one(ExportTab)
            tab.fetch_coroutine = discord_stand_in.fetch_coroutine(workspace)

            await pilot.press("f")
            await pilot.pause()
            dialog = pilot.app.screen
            assert isinstance(dialog, FetchDialog)
            scope = str(dialog.query_one("#fetch-scope").render())
            assert "cannot read a person's private DMs with friends" in scope
            # The token is shown masked: its last four characters only.
            token_line = str(dialog.query_one("#fetch-token").render())
            assert "1234" in token_line
            assert "fake.bot" not in token_line

            await pilot.press(*str(discord_stand_in.channel_id), "enter")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()

            status = str(pilot.app.query_one("#work-status").render())
            assert f"channel {discord_stand_in.channel_id}: 3 fetched, 3 new" in status
            # The sources table names a fetched channel by its id, with 3 messages, all new.
            assert table_rows(pilot.app, "#sources") == [[str(discord_stand_in.channel_id), "fetch", "3", "3", "ok"]]
            authors = [row[0] for row in table_rows(pilot.app, "#authors")]
            assert authors == ["alice"]
    finally:
        discord_stand_in.close()

    stored = [row[0] for row in workspace.db.execute(
        "SELECT content FROM messages WHERE channel_id = ? ORDER BY id", (discord_stand_in.channel_id,))]
    assert stored == ["one", "two", "three"]


async def test_fetch_dialog_without_token(workspace, monkeypatch, tmp_path):
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    async with PersonaApp(workspace).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FetchDialog)
        token_line = str(dialog.query_one("#fetch-token").render())
        assert "No Discord bot token is set" in token_line
        assert "persona-tui keys set discord_bot_token" in token_line
        assert dialog.query_one("#fetch-channels").disabled

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, FetchDialog)
