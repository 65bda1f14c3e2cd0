"""An exchange over the token budget on its own is dropped, counted and reported."""

from persona_tui.pipeline.build import build_samples
from persona_tui.pipeline.dataset import export_dataset
from persona_tui.pipeline.sample_store import list_rows, load_sample
from persona_tui.pipeline.settings import PipelineSettings
from persona_tui.pipeline.stats import render_stats

PERSONA, FRIEND = 1000, 2000


def contents(workspace):
    return [[turn.content for turn in load_sample(workspace, row.key)[0].turns] for row in list_rows(workspace)]


def test_huge_message_never_reaches_dataset(workspace, store, tmp_path):
    # 4,000,000 characters of "word " are 1,000,000 estimated tokens (one per four characters), far over 4,096.
    huge = "word " * 800_000
    store.conversation([
        (FRIEND, "before", 0), (PERSONA, "ok", 1),
        (FRIEND, "paste this", 2), (PERSONA, huge, 3),
        (FRIEND, "after", 4), (PERSONA, "done", 5),
    ])
    settings = PipelineSettings(persona_author_id=PERSONA, system_prompt="", validation_share=0)

    stats = build_samples(workspace, settings).stats

    # The pairs before and after the dropped one become separate samples.
    assert contents(workspace) == [["before", "ok"], ["after", "done"]]
    assert stats.over_budget_exchanges == 1
    assert stats.samples == 2
    # "before" 2 + "ok" 1 + "after" 2 + "done" 1 estimated tokens.
    assert stats.token_estimate == 6
    assert "Exchanges dropped because alone they exceed the token budget: 1" in render_stats(stats)

    result = export_dataset(workspace, tmp_path / "out")
    assert result.train_path.stat().st_size < 1_000


def test_exchange_at_budget_is_kept(workspace, store):
    # 64 tokens with no system prompt: "a" * 252 is 63 tokens and "b" 1, exactly the budget.
    store.conversation([(FRIEND, "a" * 252, 0), (PERSONA, "b", 1)])
    settings = PipelineSettings(persona_author_id=PERSONA, system_prompt="", max_tokens_per_sample=64)

    stats = build_samples(workspace, settings).stats

    assert stats.samples == 1
    assert stats.over_budget_exchanges == 0
    assert "token budget" not in render_stats(stats).split("Turns:")[1]
