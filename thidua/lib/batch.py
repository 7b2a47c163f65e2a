"""Helpers for batch computations over the whole sector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a batch builds and drops many small
    objects (the facts and verdicts of 16,000 people): the collector would otherwise sweep
    them again and again, about 40 % of an eligibility recompute. Reference counting still
    frees memory; the collector resumes (if it was on) when the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
