"""Memory at national scale: pause the cycle collector while building objects in bulk, give memory back after.

Every few hundred allocations the collector walks the young objects, and
now and then every object alive: with a million cells read, the walks cost
more than the scoring. Results and their parts hold no reference cycles, so
nothing is lost by collecting once at the end instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection while the block runs; what it made and kept goes straight to the oldest generation.

    Paused, the collector still counts allocations, so the first one after the pause would walk every object
    the block made and kept (a national year's results: a quarter of a second) only to age it. `gc.freeze`
    then `gc.unfreeze` moves them into the oldest generation without a walk, where a full collection still
    finds any cycle among them. Not while something else holds objects frozen (`unfreeze` would release them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Collect the young generation every `young` allocations instead of every 700 (and the older ones
    accordingly less often), for work that makes and drops objects by the million: rendering ten thousand pages.

    Unlike `collector_paused`, the odd reference cycle such work makes (a template's closure) is still
    freed as it goes; at 700 the walks cost a tenth of a national build's page time.
    """
    before = gc.get_threshold()
    gc.set_threshold(young, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def give_back_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`).

    Freed Python objects leave their memory with the process; while a child process works (the search
    indexer, finishing its index), giving it back keeps the sum of the processes' memory within bounds. The
    results hold no cycles, so dropping the last reference frees them: no full collection is needed first (it
    would walk every object still alive, half a second at national scale); the few cycles made meanwhile are
    young and go at the next young collection. Where there is no glibc, it does nothing.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
