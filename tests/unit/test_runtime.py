"""The service's process tuning: start-up objects are frozen out of garbage collection."""

from __future__ import annotations

import gc

from bot.runtime import settle_heap


def test_settle_heap_freezes_what_start_up_built() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
