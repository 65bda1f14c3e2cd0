"""The check before any upload: format, leftover personal data, counts and price.

Every line must pass Together's conversational rules (`format_errors`). The exact bytes
to be uploaded are scanned for personal data by `personal_data_scan`, independently of
the pipeline's redaction. Samples and tokens are counted, and the price comes from
Together's estimate when the same files were uploaded and validated before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from persona_tui.pipeline.sample_store import estimate_tokens
from persona_tui.pipeline.together_format import format_errors
from persona_tui.training.personal_data_scan import Finding, scan_dataset_bytes
from persona_tui.training.pricing import PriceEstimate, estimate_price
from persona_tui.training.settings import TrainingSettings
from persona_tui.training.uploads import cached_file_id, file_sha256
from persona_tui.workspace import Workspace

# Format errors listed in full; the rest are counted.
MAX_LISTED_ERRORS = 20


@dataclass(frozen=True, slots=True)
class LineError:
    file: str
    line: int
    errors: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.file} line {self.line}: {'; '.join(self.errors)}"


@dataclass(slots=True)
class FileCounts:
    samples: int = 0
    tokens: int = 0             # estimated, one token per four characters of content


@dataclass(slots=True)
class PreflightReport:
    train_path: Path
    validation_path: Path | None
    line_errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    findings: list[Finding] = field(default_factory=list)
    train: FileCounts = field(default_factory=FileCounts)
    validation: FileCounts = field(default_factory=FileCounts)
    price: PriceEstimate | None = None

    @property
    def format_ok(self) -> bool:
        return self.error_count == 0 and self.train.samples > 0

    @property
    def needs_confirmation(self) -> bool:
        """True when personal data was found and the user must confirm the upload."""
        return bool(self.findings)

    def summary_lines(self) -> list[str]:
        lines = [
            f"train: {self.train.samples:,} samples, about {self.train.tokens:,} tokens ({self.train_path.name})",
        ]
        if self.validation_path is not None:
            lines.append(
                f"validation: {self.validation.samples:,} samples, about {self.validation.tokens:,} tokens ({self.validation_path.name})"
            )
        else:
            lines.append("validation: none (no validation loss, no early stopping)")
        if self.error_count:
            lines.append(f"format: {self.error_count} invalid lines; fix them before launching")
            lines += ["  " + error.describe() for error in self.line_errors]
        elif self.train.samples == 0:
            lines.append("format: the training file has no samples")
        else:
            lines.append("format: every line passes Together's conversational rules")
        if self.findings:
            lines.append(f"personal data: {len(self.findings)} possible items remain; confirm before uploading")
            lines += [f"  {item.file} line {item.line}: {item.kind} {_shown_text(item)!r}" for item in self.findings]
        else:
            lines.append("personal data: none found")
        if self.price is not None:
            lines.append(self.price.describe())
        return lines


def check_file(report: PreflightReport, path: Path, counts: FileCounts) -> None:
    data = path.read_bytes()
    report.findings += scan_dataset_bytes(path.name, data)
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            errors = [f"not valid JSON ({error})"]
        else:
            errors = format_errors(line)
        if errors:
            report.error_count += 1
            if len(report.line_errors) < MAX_LISTED_ERRORS:
                report.line_errors.append(LineError(path.name, number, tuple(errors)))
            continue
        counts.samples += 1
        counts.tokens += sum(estimate_tokens(message["content"]) for message in line["messages"])


def run_preflight(workspace: Workspace, train_path: Path, validation_path: Path | None,
                  settings: TrainingSettings, client: Any | None = None) -> PreflightReport:
    """Check the dataset files and, with a client, ask Together for the price estimate."""
    report = PreflightReport(train_path, validation_path)
    check_file(report, train_path, report.train)
    if validation_path is not None:
        check_file(report, validation_path, report.validation)

    train_id = cached_file_id(workspace, file_sha256(train_path))
    validation_id = cached_file_id(workspace, file_sha256(validation_path)) if validation_path else None
    if client is None:
        report.price = PriceEstimate(False, reason="no connection to Together was made")
    elif train_id is None or (validation_path is not None and validation_id is None):
        report.price = PriceEstimate(
            False, reason="Together estimates only uploaded, validated files; it is shown after the upload, before the job is created"
        )
    else:
        report.price = estimate_price(
            client, model=settings.model, train_file_id=train_id, validation_file_id=validation_id,
            n_epochs=settings.n_epochs, n_evals=settings.n_evals, lora_rank=settings.lora_rank,
        )
    return report


def _shown_text(finding: Finding) -> str:
    """Return a finding's text as the listing shows it: a secret masked, so the preflight
    report never prints a key in full, and any other kind as found, for the user to judge."""
    from persona_tui.secrets import mask

    return mask(finding.text) if finding.kind == "secret" else finding.text
