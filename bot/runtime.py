"""Process tuning for the long-running service: keep start-up objects out of garbage collection."""

from __future__ import annotations

import gc

# Allocations between young-generation collections (Python's default is 700). A click makes a
# few thousand short-lived objects, so the default collected several times per click.
YOUNG_THRESHOLD = 50_000


def settle_heap() -> None:
    """Collect once, freeze what start-up built (the question pack, tables, modules) and collect
    the young generation less often.

    The collector then never rescans those long-lived objects; under an answer burst this took
    about a quarter off the CPU each click costs (docs/slack.md). Cycles are still collected.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
