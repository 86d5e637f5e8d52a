"""How long to wait before retrying a failed delivery: exponential backoff with full jitter,
and never less than what the platform's Retry-After asked for."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

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


def retry_after(headers: object, now: datetime | None = None) -> float | None:
    """Seconds from a response's Retry-After header, a number or an HTTP date (the header found
    whatever its case); None when there is none or it cannot be read."""
    if not isinstance(headers, Mapping):
        return None
    raw = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except (TypeError, ValueError):
        pass
    try:
        when = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is in GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
