"""The error every importer raises for input the user has to fix."""

from __future__ import annotations


class SourceError(Exception):
    """An export that cannot be imported. The message names the file (and the line or byte
    where known), what is wrong and what to do next. The import report shows it unchanged."""
