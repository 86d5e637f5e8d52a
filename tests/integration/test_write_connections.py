"""Write transactions: quick successive writes share a connection; a failed one is not reused."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from bot.drop_life import start_close as drop_service
from bot.service import answers as answer_service
from bot.service.commands import StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.views import AnswerStatus
from bot.storage.database import Database
from tests.conftest import CHANNEL, register
from tests.support.waiting import until


def count_checkouts(db: Database) -> list[int]:
    checkouts = [0]

    def on_checkout(*_: object) -> None:
        checkouts[0] += 1

    event.listen(db.engine.sync_engine.pool, "checkout", on_checkout)
    return checkouts


async def make_table(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(text("CREATE TABLE notes (n INTEGER PRIMARY KEY, body TEXT)"))


async def notes(db: Database) -> list[str]:
    async with db.read() as conn:
        return list((await conn.execute(text("SELECT body FROM notes ORDER BY n"))).scalars())


async def test_writes_in_quick_succession_share_one_checkout(database: Database) -> None:
    database._warm_seconds = 3600.0  # "quick" however slow a loaded machine makes the loop
    await make_table(database)
    checkouts = count_checkouts(database)
    for n in range(3):
        async with database.write() as conn:
            await conn.execute(text("INSERT INTO notes VALUES (:n, :b)"), {"n": n, "b": f"n{n}"})
    assert checkouts[0] == 0  # the table's write left its connection warm for these three
    assert await notes(database) == ["n0", "n1", "n2"]


async def test_a_connection_idle_past_the_warm_time_goes_back_to_the_pool(
    database: Database,
) -> None:
    database._warm_seconds = 0.0
    await make_table(database)
    checkouts = count_checkouts(database)
    for n in range(3):
        async with database.write() as conn:
            await conn.execute(text("INSERT INTO notes VALUES (:n, :b)"), {"n": n, "b": f"n{n}"})
    assert checkouts[0] == 3  # each write checked out (and, on PostgreSQL, pinged) afresh
    assert await notes(database) == ["n0", "n1", "n2"]


async def test_a_failed_write_is_rolled_back_and_its_connection_not_reused(
    database: Database,
) -> None:
    await make_table(database)

    async def failing_write() -> None:
        async with database.write() as conn:
            await conn.execute(text("INSERT INTO notes VALUES (1, 'lost')"))
            raise RuntimeError("the write's own failure")

    with pytest.raises(RuntimeError, match="own failure"):
        await failing_write()
    checkouts = count_checkouts(database)
    async with database.write() as conn:
        await conn.execute(text("INSERT INTO notes VALUES (1, 'kept')"))
    assert checkouts[0] == 1
    assert await notes(database) == ["kept"]


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_an_answer_is_kept_when_the_server_closed_the_warm_connection(core: Core) -> None:
    await register(core)
    card = await drop_service.start_drop(core, StartDrop(CHANNEL))
    async with core.db.write() as conn:  # this connection stays warm
        pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        driver = (await conn.get_raw_connection()).driver_connection
    async with core.db.read() as conn:  # as a restart or an idle timeout would
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await until(driver.is_closed, what="the hang-up to reach the client")
    question = core.questions[card.question_id]
    cmd = SubmitAnswer(CHANNEL, card.drop_id, "ann", "Ann", question.option_ids[: question.pick])
    feedback = await answer_service.submit_answer(core, cmd)
    assert feedback.status is AnswerStatus.RECORDED
    async with core.db.write() as conn:
        assert await conn.scalar(text("SELECT pg_backend_pid()")) != pid
