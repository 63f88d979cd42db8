"""Pausing Python's cycle collector while a national run builds tens of thousands of objects.

Every few hundred allocations the collector walks the young objects, and
now and then every object alive: with a million cells read, the walks cost
more than the scoring. Results and their parts hold no reference cycles, so
nothing is lost by collecting once at the end instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
