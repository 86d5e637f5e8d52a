"""How long to wait before retrying a failed delivery: exponential backoff with full jitter."""

from __future__ import annotations

import random

BASE_SECONDS = 2.0
CAP_SECONDS = 300.0


def retry_delay(
    attempt: int, retry_after: float | None, rng: random.Random, cap: float = CAP_SECONDS
) -> float:
    """Seconds to wait after the `attempt`-th failure (1, 2, …).

    A random delay up to BASE × 2^(attempt-1), capped, so that many failed posts do not retry in
    step; never less than the platform's Retry-After.
    """
    ceiling = min(cap, BASE_SECONDS * 2 ** max(0, attempt - 1))
    delay = rng.uniform(ceiling / 2, ceiling)
    return max(delay, retry_after or 0.0)
