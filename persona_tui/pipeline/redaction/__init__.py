"""Redaction of personal data into fixed placeholders: candidate patterns, validators and
the batch detector that runs them over all messages at once."""

from persona_tui.pipeline.redaction.detect import RedactedText, Redactor

__all__ = ["RedactedText", "Redactor"]
