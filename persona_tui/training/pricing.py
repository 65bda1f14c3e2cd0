"""The price estimate of a fine-tuning job, from Together's `fine_tuning.estimate_price`.

Together estimates only from uploaded files that passed its validation, so before the
upload the estimate is unavailable and the reason names when it will be shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

REASONS = {
    "train_file_not_validated": "the training file has not passed Together's validation yet",
    "eval_file_not_validated": "the validation file has not passed Together's validation yet",
    "train_file_invalid": "Together rejected the training file",
    "eval_file_invalid": "Together rejected the validation file",
    "multimodal_dataset": "Together does not estimate multimodal datasets",
}


@dataclass(frozen=True, slots=True)
class PriceEstimate:
    available: bool
    total_price: float | None = None      # USD
    train_tokens: int | None = None
    eval_tokens: int | None = None
    allowed_to_proceed: bool = True
    reason: str | None = None             # why the estimate is unavailable

    def describe(self) -> str:
        if not self.available:
            return f"price estimate unavailable: {self.reason}"
        return f"estimated price ${self.total_price:,.2f} ({self.train_tokens:,} train + {self.eval_tokens:,} eval tokens)"


def estimate_price(client: Any, *, model: str, train_file_id: str, validation_file_id: str | None,
                   n_epochs: int, n_evals: int, lora_rank: int | None = None) -> PriceEstimate:
    import together

    arguments = {"training_file": train_file_id, "model": model, "n_epochs": n_epochs,
                 "n_evals": n_evals if validation_file_id else 0, "training_method": "sft",
                 "training_type": {"type": "Lora", **({"lora_r": lora_rank} if lora_rank else {})}}
    if validation_file_id:
        arguments["validation_file"] = validation_file_id
    try:
        result = client.fine_tuning.estimate_price(**arguments)
    except together.APIError as error:
        log.warning("price estimate for %s failed: %s", train_file_id, error)
        return PriceEstimate(False, reason=f"the estimate request failed ({type(error).__name__}); try again later")

    if not result.estimation_available:
        code = getattr(result, "unavailable_reason", None) or "unknown"
        return PriceEstimate(False, reason=REASONS.get(code, code))
    return PriceEstimate(
        True, float(result.estimated_total_price), int(result.estimated_train_token_count),
        int(result.estimated_eval_token_count), bool(result.allowed_to_proceed),
    )
