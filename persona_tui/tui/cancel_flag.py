"""A cancel flag for long work that runs in a worker thread."""

from __future__ import annotations

import threading


class CancelFlag(threading.Event):
    """An Event that can also be called: `flag()` is `flag.is_set()`.

    NOTE: the importer and the build take `cancel=` without a fixed type yet; this flag
    works whether they call it or check `is_set()`.
    """

    def __call__(self) -> bool:
        return self.is_set()
