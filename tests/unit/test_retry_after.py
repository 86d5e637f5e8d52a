"""A platform's Retry-After header, read the same for every door: seconds or an HTTP date,
whatever the header's case."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.backoff import retry_after

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after({"Retry-After": "3"}, NOW) == 3.0
    assert retry_after({"Retry-After": "Wed, 04 Mar 2026 09:00:30 GMT"}, NOW) == 30.0
    assert retry_after({"Retry-After": "soon"}, NOW) is None
    assert retry_after({}, NOW) is None


def test_any_case_of_the_header_and_never_a_negative_wait() -> None:
    assert retry_after({"retry-after": "7"}, NOW) == 7.0  # aiohttp and Slack's SDK lowercase it
    assert retry_after({"RETRY-AFTER": "1.5"}, NOW) == 1.5
    assert retry_after({"Retry-After": "-4"}, NOW) == 0.0
    assert retry_after({"Retry-After": "Wed, 04 Mar 2026 08:59:00 GMT"}, NOW) == 0.0  # passed
    assert retry_after(None, NOW) is None
