"""Choosing the tests' PostgreSQL: a named server wins, else a throwaway one; CI never skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.throwaway_postgres import (
    URL_ENV,
    PostgresStartError,
    ThrowawayPostgres,
    choose,
)

NAMED = "postgresql://postgres@127.0.0.1:5432/test"


def never_started() -> ThrowawayPostgres:
    raise AssertionError("a throwaway server was started although a server was named")


def started() -> ThrowawayPostgres:
    return ThrowawayPostgres(Path("/nowhere"), Path("/nowhere/bin"), None, 54321)


def cannot_start() -> ThrowawayPostgres:
    raise PostgresStartError("initdb failed")


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_named_server_wins(ci: str) -> None:
    choice = choose({URL_ENV: NAMED, "CI": ci}, never_started)
    assert choice.url == NAMED
    assert choice.started is None


@pytest.mark.parametrize("env", [{}, {URL_ENV: "  "}, {"CI": "true"}])
def test_without_a_named_server_a_throwaway_one_is_started(env: dict[str, str]) -> None:
    choice = choose(env, started)
    assert choice.url == "postgresql://postgres@127.0.0.1:54321/postgres"
    assert choice.started is not None


def test_outside_ci_a_server_that_cannot_start_skips_with_the_reason() -> None:
    choice = choose({}, cannot_start)
    assert choice.url is None
    assert "initdb failed" in choice.reason


def test_in_ci_a_server_that_cannot_start_is_a_failure() -> None:
    with pytest.raises(PostgresStartError, match="initdb failed"):
        choose({"CI": "true"}, cannot_start)


def test_off_skips_outside_ci_and_is_refused_in_ci() -> None:
    assert choose({URL_ENV: "off"}, never_started).url is None
    with pytest.raises(PostgresStartError, match="CI runs every test"):
        choose({URL_ENV: "off", "CI": "true"}, never_started)
