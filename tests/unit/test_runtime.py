"""The service's process tuning: start-up objects frozen, young objects collected less often."""

from __future__ import annotations

import gc

from bot.runtime import YOUNG_THRESHOLD, settle_heap


def test_settle_heap_freezes_what_start_up_built_and_collects_less_often() -> None:
    gc.unfreeze()
    thresholds = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_THRESHOLD, thresholds[1], thresholds[2])
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
