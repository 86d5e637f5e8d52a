"""One bad request must not slow everyone: ids no row can have are refused as bad input before
the shared answer batch, so the answers written beside them share one transaction as usual."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.ids import MAX_ID, parse_id
from bot.drop_life.reading import show_drop
from bot.drop_life.start_close import close_drop, start_drop
from bot.errors import InvalidInputError, NotFoundError
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.views import AnswerStatus
from tests.conftest import CHANNEL, register

# past PostgreSQL's integer, past SQLite's, and below the first id
OUT_OF_RANGE = [MAX_ID + 1, 2**63, 0, -1]


def count_writes(core: Core) -> list[int]:
    """Counts the write transactions the core opens from now on."""
    writes = [0]
    original = core.db.write

    @asynccontextmanager
    async def counted() -> AsyncIterator[AsyncConnection]:
        writes[0] += 1
        async with original() as conn:
            yield conn

    core.db.write = counted  # type: ignore[method-assign]
    return writes


@pytest.mark.parametrize("bad_id", OUT_OF_RANGE)
async def test_an_out_of_range_drop_id_costs_only_its_own_answer(core: Core, bad_id: int) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    key = tuple(sorted(core.questions[card.question_id].key))
    good = [SubmitAnswer(CHANNEL, card.drop_id, f"u{i}", f"U{i}", key) for i in range(6)]
    bad = SubmitAnswer(CHANNEL, bad_id, "mallory", "Mallory", key)
    writes = count_writes(core)
    results = await asyncio.gather(
        *(submit_answer(core, cmd) for cmd in [*good[:3], bad, *good[3:]]),
        return_exceptions=True,
    )
    refused = results.pop(3)
    assert isinstance(refused, InvalidInputError)
    assert "is not a question drop id" in str(refused)
    assert [r.status for r in results if not isinstance(r, BaseException)] == [
        AnswerStatus.RECORDED
    ] * 6
    assert writes[0] == 1  # one shared batch, never replayed answer by answer


async def test_an_overlong_member_id_costs_only_its_own_answer(core: Core) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    key = tuple(sorted(core.questions[card.question_id].key))
    writes = count_writes(core)
    results = await asyncio.gather(
        submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, "ann", "Ann", key)),
        submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, "x" * 65, "X", key)),
        submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, "bob", "Bob", key)),
        return_exceptions=True,
    )
    assert isinstance(results[1], InvalidInputError)
    assert "member id must be 1 to 64 characters" in str(results[1])
    assert [getattr(r, "status", None) for r in (results[0], results[2])] == [
        AnswerStatus.RECORDED
    ] * 2
    assert writes[0] == 1


@pytest.mark.parametrize("bad_id", [MAX_ID + 1, 2**63])
async def test_other_commands_treat_an_out_of_range_id_as_not_found(
    core: Core, bad_id: int
) -> None:
    await register(core)
    with pytest.raises(NotFoundError, match=f"no question drop {bad_id}"):
        await close_drop(core, CloseDrop(bad_id, CHANNEL))
    with pytest.raises(NotFoundError):
        await show_drop(core, bad_id, CHANNEL)


@pytest.mark.parametrize(
    "raw",
    ["2147483648", "１", "٣", "-1", "+1", " 1", "1_0", "0", "", "1.0", "99999999999", True, 2**31],
)
def test_ids_are_ascii_digits_inside_the_integer_range(raw: object) -> None:
    with pytest.raises(InvalidInputError, match="digits 0-9"):
        parse_id(raw)


@pytest.mark.parametrize(("raw", "value"), [("1", 1), ("007", 7), ("2147483647", MAX_ID), (5, 5)])
def test_good_ids_parse(raw: object, value: int) -> None:
    assert parse_id(raw) == value
