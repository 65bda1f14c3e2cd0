"""The base models a persona can be fine-tuned from, with the limits and serving options.

Three sources are joined: Together's public model list (`GET /v1/models`, chat models
with context length and serverless pricing), the fine-tuning limits of each model
(`fine_tuning.model_limits`) and the supported-model list filtered to dedicated
deployment. Serverless LoRA inference is discontinued, so a tuned model is usable only on
a dedicated endpoint or as a downloaded adapter. A base without a dedicated deployment
profile (the `-Reference` bases, for instance) gives an adapter to download and nothing
to chat with on Together.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Parallel limits requests; the catalogue has dozens of fine-tunable models.
LIMITS_WORKERS = 8


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    model: str
    display_name: str
    context_length: int | None
    max_lora_rank: int
    default_lora_rank: int
    min_batch_size: int
    max_batch_size: int
    max_epochs: int | None
    max_evals: int | None
    max_checkpoints: int | None
    min_learning_rate: float | None
    max_learning_rate: float | None
    max_seq_length: int | None
    dedicated_endpoint: bool           # a tuned model can be deployed on Together
    input_price: float | None          # serverless USD per 1M tokens of the base model
    output_price: float | None

    @property
    def serving(self) -> str:
        """Return how a model tuned from this base can be used afterwards."""
        if self.dedicated_endpoint:
            return "dedicated endpoint"
        return "adapter download only"


def chat_models(client: Any) -> list[dict]:
    """Return the chat models of `GET /v1/models` (the SDK 3.x has no method for it)."""
    models = client.get("/v1/models", cast_to=object)
    return [model for model in models if isinstance(model, dict) and model.get("type") == "chat"]


def supported_ids(client: Any, product: str) -> set[str] | None:
    """Return the model names of the supported-model list for `product`, or None when the
    list is unavailable (then every chat model is tried)."""
    import together

    try:
        return {model.name for model in client.models.list_supported(product=product)}
    except together.APIError as error:
        log.warning("listing supported models for %s failed: %s", product, error)
        return None


def fetch_limits(client: Any, model: str):
    import together

    try:
        return client.fine_tuning.model_limits(model_name=model)
    except together.NotFoundError:
        return None


def load_catalog(client: Any) -> list[CatalogEntry]:
    """Return the fine-tunable chat models, sorted by name."""
    models = chat_models(client)
    fine_tunable = supported_ids(client, "PRODUCT_FINE_TUNING")
    dedicated = supported_ids(client, "PRODUCT_DEDICATED") or set()
    candidates = [model for model in models if fine_tunable is None or model["id"] in fine_tunable]

    with ThreadPoolExecutor(max_workers=LIMITS_WORKERS) as pool:
        limits = list(pool.map(lambda model: fetch_limits(client, model["id"]), candidates))

    entries = []
    for model, model_limits in zip(candidates, limits):
        if model_limits is None or model_limits.lora_training is None:
            continue
        lora = model_limits.lora_training
        pricing = model.get("pricing") or {}
        entries.append(CatalogEntry(
            model=model["id"],
            display_name=model.get("display_name") or model["id"],
            context_length=model.get("context_length"),
            max_lora_rank=lora.max_rank,
            default_lora_rank=lora.default_rank,
            min_batch_size=lora.min_batch_size,
            max_batch_size=lora.max_batch_size,
            max_epochs=model_limits.max_num_epochs,
            max_evals=model_limits.max_num_evals,
            max_checkpoints=model_limits.max_num_checkpoints,
            min_learning_rate=model_limits.min_learning_rate,
            max_learning_rate=model_limits.max_learning_rate,
            max_seq_length=model_limits.max_seq_length_sft,
            dedicated_endpoint=model["id"] in dedicated,
            input_price=pricing.get("input"),
            output_price=pricing.get("output"),
        ))
    log.info("catalogue: %d fine-tunable chat models of %d", len(entries), len(models))
    return sorted(entries, key=lambda entry: entry.model)
