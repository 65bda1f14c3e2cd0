"""The settings of one fine-tuning job and their check against a base model's limits."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from persona_tui.training.catalog import CatalogEntry

# The output model name ends with the suffix, so it keeps to the characters of Together's
# model names; a leading letter or digit rules out '.', '..' and '-x'.
SUFFIX_CHARACTERS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_SUFFIX_LENGTH = 40


@dataclass(slots=True)
class TrainingSettings:
    model: str
    n_epochs: int = 3
    lora_rank: int | None = None          # None: the model's default rank
    lora_alpha: int | None = None         # None: twice the rank, the SDK's default
    lora_dropout: float = 0.05
    learning_rate: float = 1e-4
    batch_size: int | str = "max"         # an integer or "max"
    n_evals: int = 10
    n_checkpoints: int = 1
    early_stopping: bool = False
    early_stopping_patience: int = 2
    early_stopping_min_delta: float = 0.0
    suffix: str | None = None
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TrainingSettings:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def create_arguments(self, train_file_id: str, validation_file_id: str | None) -> dict:
        """Return the keyword arguments of `client.fine_tuning.create` for these settings."""
        arguments = {
            "training_file": train_file_id,
            "model": self.model,
            "n_epochs": self.n_epochs,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "n_checkpoints": self.n_checkpoints,
            "lora": True,
            "lora_dropout": self.lora_dropout,
            "train_on_inputs": "auto",
        }
        if self.lora_rank is not None:
            arguments["lora_r"] = self.lora_rank
        if self.lora_alpha is not None:
            arguments["lora_alpha"] = self.lora_alpha
        if self.suffix:
            arguments["suffix"] = self.suffix
        if validation_file_id:
            arguments["validation_file"] = validation_file_id
            arguments["n_evals"] = self.n_evals
            if self.early_stopping:
                arguments["early_stopping_enabled"] = True
                arguments["early_stopping_patience"] = self.early_stopping_patience
                arguments["early_stopping_min_delta"] = self.early_stopping_min_delta
        return arguments


def settings_problems(settings: TrainingSettings, entry: CatalogEntry | None, *, has_validation: bool) -> list[str]:
    """Return what is wrong with `settings` for the base model, before anything is uploaded."""
    problems = []
    if entry is None:
        return [f"{settings.model} is not a fine-tunable chat model in Together's catalogue; pick another base model."]
    if settings.n_epochs < 1 or (entry.max_epochs and settings.n_epochs > entry.max_epochs):
        problems.append(f"epochs {settings.n_epochs} is outside 1..{entry.max_epochs} for {entry.model}.")
    if settings.lora_rank is not None and not 1 <= settings.lora_rank <= entry.max_lora_rank:
        problems.append(f"LoRA rank {settings.lora_rank} is outside 1..{entry.max_lora_rank} for {entry.model}.")
    if not 0 <= settings.lora_dropout < 1:
        problems.append(f"LoRA dropout {settings.lora_dropout} must be at least 0 and below 1.")
    if settings.batch_size != "max":
        if not entry.min_batch_size <= int(settings.batch_size) <= entry.max_batch_size:
            problems.append(
                f"batch size {settings.batch_size} is outside {entry.min_batch_size}..{entry.max_batch_size} for {entry.model}."
            )
    low, high = entry.min_learning_rate, entry.max_learning_rate
    if low is not None and high is not None and not low <= settings.learning_rate <= high:
        problems.append(f"learning rate {settings.learning_rate:g} is outside {low:g}..{high:g} for {entry.model}.")
    if settings.lora_alpha is not None and settings.lora_alpha < 1:
        problems.append(f"LoRA alpha {settings.lora_alpha} must be at least 1 (the default is twice the rank).")
    if settings.n_evals < 0:
        problems.append(f"evaluations {settings.n_evals} must be 0 or more.")
    if settings.n_checkpoints < 1:
        problems.append(f"checkpoints {settings.n_checkpoints} must be at least 1.")
    problems.extend(suffix_problems(settings.suffix))
    if settings.early_stopping and settings.early_stopping_patience < 1:
        problems.append(f"early stopping patience {settings.early_stopping_patience} must be at least 1 evaluation.")
    elif settings.early_stopping:
        # The SDK requires n_evals >= patience + warmup evaluations (1) + 1.
        needed = settings.early_stopping_patience + 2
        if not has_validation:
            problems.append("early stopping needs a validation file; export one or turn early stopping off.")
        elif settings.n_evals < needed:
            problems.append(f"early stopping with patience {settings.early_stopping_patience} needs at least {needed} evaluations.")
    return problems


def suffix_problems(suffix: str | None) -> list[str]:
    """Return what is wrong with a model-name suffix: Together's output model names allow
    letters, digits, '-', '_' and '.', and this app keeps the suffix to 40 characters."""
    if not suffix:
        return []
    problems = []
    if len(suffix) > MAX_SUFFIX_LENGTH:
        problems.append(f"suffix {suffix!r} is longer than {MAX_SUFFIX_LENGTH} characters.")
    if not SUFFIX_CHARACTERS.fullmatch(suffix):
        problems.append(f"suffix {suffix!r} is invalid: it must start with an ASCII letter or digit and contain "
                        "only letters, digits, '-', '_' and '.', e.g. alice-v2.")
    return problems
