"""Sandbox routes for the model catalogue: `GET /v1/models`, fine-tuning limits and the
supported-model list of the bases that can be deployed on a dedicated endpoint.

The models and limits are a small, fixed picture of Together's catalogue in 2026, from
its supported-models documentation: context lengths, LoRA ranks and batch sizes. Prices
are per million tokens and only roughly those of the real price list.
"""

from __future__ import annotations

from persona_tui.sandbox.server import Request, Response, SandboxState, error_response, route

# (id, display name, context length, serverless input price, output price per 1M tokens).
CHAT_MODELS = [
    ("Qwen/Qwen3.5-9B", "Qwen3.5 9B", 65536, 0.20, 0.20),
    ("Qwen/Qwen3.5-4B", "Qwen3.5 4B", 131072, 0.10, 0.10),
    ("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference", "Llama 3.1 8B Instruct Reference", 131072, 0.18, 0.18),
    ("meta-llama/Llama-3.3-70B-Instruct-Reference", "Llama 3.3 70B Instruct Reference", 24576, 0.88, 0.88),
    ("openai/gpt-oss-20b", "gpt-oss 20B", 131072, 0.05, 0.20),
    # Chat models that cannot be fine-tuned: the catalogue must leave them out.
    ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "Llama 3.3 70B Instruct Turbo", 131072, 0.88, 0.88),
]

OTHER_MODELS = [
    ("BAAI/bge-large-en-v1.5", "BGE large EN v1.5", "embedding"),
]

# Model id -> (max LoRA rank, min batch, max batch, max context for SFT, LoRA SFT price per 1M).
FINE_TUNING_LIMITS = {
    "Qwen/Qwen3.5-9B": (64, 8, 32, 65536, 0.48),
    "Qwen/Qwen3.5-4B": (64, 8, 32, 131072, 0.48),
    "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference": (64, 8, 32, 131072, 0.48),
    "meta-llama/Llama-3.3-70B-Instruct-Reference": (64, 8, 16, 24576, 2.90),
    "openai/gpt-oss-20b": (64, 8, 16, 131072, 1.50),
}

# Bases with a dedicated-endpoint deployment profile. `-Reference` bases have none, so a
# model tuned from them can only be downloaded as an adapter.
DEDICATED_MODELS = {"Qwen/Qwen3.5-9B", "Qwen/Qwen3.5-4B", "openai/gpt-oss-20b"}


def lora_price_per_million(model: str) -> float | None:
    limits = FINE_TUNING_LIMITS.get(model)
    return None if limits is None else limits[4]


def limits_json(model: str) -> dict:
    max_rank, min_batch, max_batch, max_context, _price = FINE_TUNING_LIMITS[model]
    return {
        "model_name": model,
        "default_gradient_accumulation_steps": 1,
        "lora_training": {
            "default_rank": min(max_rank, 64), "max_rank": max_rank,
            "min_batch_size": min_batch, "max_batch_size": max_batch,
            "max_batch_size_dpo": max_batch // 2,
            "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        },
        "full_training": None,
        "min_learning_rate": 1e-6, "max_learning_rate": 1e-2,
        "max_num_checkpoints": 10, "max_num_epochs": 20, "max_num_evals": 100,
        "max_seq_length_sft": max_context, "max_seq_length_dpo": max_context // 2,
        "min_max_seq_length": 1024, "merge_output_lora": True,
        "supports_full_training": False, "supports_reasoning": False,
        "supports_tools": False, "supports_vision": False,
    }


@route("GET", r"/v1/models")
def list_models(state: SandboxState, request: Request) -> Response:
    models = [
        {
            "id": model_id, "object": "model", "created": 1_767_225_600, "type": "chat",
            "display_name": name, "organization": model_id.split("/")[0],
            "context_length": context,
            "pricing": {"input": price_in, "output": price_out, "hourly": 0, "base": 0, "finetune": 0},
        }
        for model_id, name, context, price_in, price_out in CHAT_MODELS
    ]
    models += [
        {"id": model_id, "object": "model", "created": 1_767_225_600, "type": kind,
         "display_name": name, "organization": model_id.split("/")[0], "context_length": 512,
         "pricing": {"input": 0.02, "output": 0.0}}
        for model_id, name, kind in OTHER_MODELS
    ]
    return Response(200, models)


@route("GET", r"/v1/fine-tunes/models/limits")
def model_limits(state: SandboxState, request: Request) -> Response:
    model = request.query.get("model_name", "")
    if model not in FINE_TUNING_LIMITS:
        return Response(404, {"message": f"Model {model} is not supported for fine-tuning"})
    return Response(200, limits_json(model))


@route("GET", r"/v2/supported-models")
def supported_models(state: SandboxState, request: Request) -> Response:
    product = request.query.get("product", "")
    if product == "PRODUCT_FINE_TUNING":
        ids = list(FINE_TUNING_LIMITS)
    elif product == "PRODUCT_DEDICATED":
        ids = sorted(DEDICATED_MODELS)
    else:
        ids = [model_id for model_id, *_rest in CHAT_MODELS]
    names = {model_id: name for model_id, name, *_rest in CHAT_MODELS}
    data = [
        {
            "id": model_id, "name": model_id, "baseModel": "", "baseModelId": "",
            "capabilities": ["CAPABILITY_CHAT"], "createdAt": "2026-01-01T00:00:00Z",
            "deploymentProfiles": [], "displayName": names[model_id], "displayType": "chat",
            "inputModalities": ["MODALITY_TEXT"], "outputModalities": ["MODALITY_TEXT"],
        }
        for model_id in ids
    ]
    return Response(200, {"data": data, "next_cursor": None})
