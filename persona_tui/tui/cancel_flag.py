"""A cancel flag for long work that runs in a worker thread."""

from __future__ import annotations

import threading


class CancelFlag(threading.Event):
    """An Event that can also be called: `flag()` is `flag.is_set()`.

    The importer checks `is_set()`. NOTE: the sample build's `cancel=` type is not fixed
    yet, so this flag works whether it calls the flag or checks `is_set()`.
    """

    def __call__(self) -> bool:
        return self.is_set()
