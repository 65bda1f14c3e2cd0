"""The base-model catalogue joins the model list, the limits and dedicated serving."""

from persona_tui.training.catalog import load_catalog
from persona_tui.training.client import make_client


def test_catalog_lists_fine_tunable_chat_models(sandbox_workspace):
    entries = {entry.model: entry for entry in load_catalog(make_client(sandbox_workspace, max_retries=0))}

    # The sandbox has six chat models, one of them not fine-tunable, and one embedding model.
    assert sorted(entries) == [
        "Qwen/Qwen3.5-4B", "Qwen/Qwen3.5-9B", "meta-llama/Llama-3.3-70B-Instruct-Reference",
        "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", "openai/gpt-oss-20b",
    ]
    qwen = entries["Qwen/Qwen3.5-9B"]
    assert qwen.context_length == 65536
    assert qwen.max_lora_rank == 64
    assert (qwen.min_batch_size, qwen.max_batch_size) == (8, 32)
    assert qwen.serving == "dedicated endpoint"
    assert entries["meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"].serving == "adapter download only"
    assert entries["meta-llama/Llama-3.3-70B-Instruct-Reference"].max_batch_size == 16
