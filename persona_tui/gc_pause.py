"""Pausing Python's cyclic garbage collector around a bulk step."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, then restore its previous state.

    The import and the build allocate several objects per message. Each collection rescans
    every object still alive without freeing any, because these steps make no reference
    cycles: reference counting frees everything. Pausing saved about 10% of the import and
    20-37% of the build on 178,000 messages (benchmarks/bench_import.py, bench_build.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
