"""The Chat tab driven with Pilot: both panes stream split replies from the sandbox."""

from persona_tui.chat import session
from persona_tui.chat.targets import ModelTarget, save_target
from persona_tui.pipeline.sample import Sample, Turn
from persona_tui.pipeline.sample_store import replace_samples, set_status
from persona_tui.tui.app import PersonaApp
from persona_tui.tui.screens.chat import ChatPane

BASE_MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"


def bubbles(app, pane: str) -> list[str]:
    return [str(widget.render()) for widget in app.query_one(f"#{pane}-pane", ChatPane).query(".bubble")]


async def wait_for_workers(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_chat_tab_shows_split_replies_side_by_side(workspace, sandbox, monkeypatch, show_tab):
    monkeypatch.setenv("TOGETHER_API_KEY", "test")
    # A demo-like workspace: one accepted sample, a tuned endpoint and a serverless base.
    turns = [Turn("user", "u up?", "u up?", 2, [1]), Turn("assistant", "yeah\nwhy", "yeah\nwhy", 1, [2])]
    replace_samples(workspace, [Sample("k1", 5, 0, 1, turns)])
    set_status(workspace, "k1", "accepted")
    sandbox.state.data["chat"] = {"serverless": {"sandbox-user/persona-endpoint"}, "delay_seconds": 0.0,
                                  "rejected_keys": set()}
    save_target(workspace, ModelTarget("tuned", "together_endpoint", "sandbox-user/persona-endpoint",
                                       base_url=sandbox.base_url, endpoint_id="endpoint-1"))
    save_target(workspace, ModelTarget("base", "together", BASE_MODEL, base_url=sandbox.base_url))

    app = PersonaApp(workspace)
    async with app.run_test(size=(140, 45)) as pilot:
        await show_tab(pilot, "4", "chat")
        app.query_one("#chat-input").focus()
        await pilot.press(*"hi there friend", "enter")
        await wait_for_workers(app, pilot)

        # "hi there friend": 3 words, so the reaction is "ok but why".
        assert bubbles(app, "tuned") == ["you: hi there friend", "hi??", "ok but why", "(persona-endpoint)"]
        assert bubbles(app, "base") == ["you: hi there friend", "hi??", "ok but why",
                                        "(Meta-Llama-3.1-8B-Instruct-Turbo)"]

        # The base pane was sent the prompted system prompt with the accepted example.
        base_request = sandbox.requests_to("POST", "/v1/chat/completions")
        assert len(base_request) == 2

        stored = session.load_messages(workspace, session.list_chats(workspace)[0].id)
        assert [(m.pane, m.content) for m in stored] == [
            ("user", "hi there friend"),
            ("tuned", "hi??\nok but why\n(persona-endpoint)"),
            ("base", "hi??\nok but why\n(Meta-Llama-3.1-8B-Instruct-Turbo)"),
        ]

        await pilot.press("ctrl+r")
        await wait_for_workers(app, pilot)
        assert bubbles(app, "tuned") == ["you: hi there friend", "hi??", "ok but why", "(persona-endpoint)"]

        await pilot.press("ctrl+l")
        await pilot.pause()
        assert bubbles(app, "tuned") == []


async def test_chat_tab_shows_errors_in_the_pane(workspace, sandbox, monkeypatch, show_tab):
    monkeypatch.setenv("TOGETHER_API_KEY", "test")
    # A fine-tune output name that is not deployed, and no base target at all.
    save_target(workspace, ModelTarget("raw", "together_endpoint", "sandbox-user/never-deployed",
                                       base_url=sandbox.base_url, endpoint_id="endpoint-2"))
    app = PersonaApp(workspace)
    async with app.run_test(size=(140, 45)) as pilot:
        await show_tab(pilot, "4", "chat")
        app.query_one("#chat-input").focus()
        await pilot.press(*"yo", "enter")
        await wait_for_workers(app, pilot)
        tuned = bubbles(app, "tuned")
        assert tuned[0] == "you: yo"
        assert tuned[1].startswith("The endpoint sandbox-user/never-deployed is not running.")
        assert bubbles(app, "base")[1] == "Choose a base target above to get a reply here."
