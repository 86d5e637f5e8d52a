"""Points and accuracy count from the reveal: before it nothing others see depends on whether an
answer was right; at it the drop's answers are scored exactly once, in the team's own periods."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text, update

from bot.domain.periods import Period
from bot.domain.scoring import ScoringPolicy
from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.drop_life.reading import get_drop
from bot.drop_life.scoring import score_drop
from bot.drop_life.start_close import close_drop, start_drop
from bot.service.answers import submit_answer
from bot.service.commands import (
    CloseDrop,
    ShowLeaderboard,
    ShowOrgReport,
    ShowProgress,
    StartDrop,
    SubmitAnswer,
)
from bot.service.context import Core
from bot.service.leaderboards import show_leaderboard, show_org_report, show_progress
from bot.service.participation import participation_by_week
from bot.service.readiness import show_readiness
from bot.service.views import QuestionCard
from bot.storage.tables import drops, member_stats
from tests.conftest import CHANNEL, register
from tests.fakes import FakeClock
from tests.support.actors import OPERATOR


def choice(core: Core, card: QuestionCard, right: bool) -> tuple[str, ...]:
    q = core.questions[card.question_id]
    return tuple(sorted(q.key) if right else [o for o in q.option_ids if o not in q.key][: q.pick])


async def answer(core: Core, card: QuestionCard, user: str, right: bool) -> None:
    await submit_answer(
        core, SubmitAnswer(CHANNEL, card.drop_id, user, user.title(), choice(core, card, right))
    )


async def test_an_unrevealed_drop_shows_answer_counts_but_no_correctness(core: Core) -> None:
    team_id = await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    await answer(core, card, "zed", True)
    await answer(core, card, "amy", False)
    for period in Period:
        for domain in (None, card.domain_id):
            board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, period, domain))
            # tied on everything, so alphabetical whoever was right
            assert [(r.user_id, r.points, r.correct, r.answered) for r in board.rows] == [
                ("amy", 0, 0, 1),
                ("zed", 0, 0, 1),
            ]
    report = await show_org_report(core, ShowOrgReport("fake", "org-1", Period.ALL, actor=OPERATOR))
    assert [(d.answered, d.correct, d.points) for d in report.domains if d.answered] == [(2, 0, 0)]
    readiness = await show_readiness(core, [team_id])
    assert [(d.answered, d.correct) for d in readiness.domains if d.answered] == [(2, 0)]
    assert (await participation_by_week(core, [team_id], ["UTC"]))[-1].active_members == 2
    amy = await show_progress(core, ShowProgress(CHANNEL, "amy"))
    zed = await show_progress(core, ShowProgress(CHANNEL, "zed"))
    assert (amy.rank, zed.rank) == (1, 2)
    assert [(d.answered, d.correct, d.points) for d in zed.domains if d.answered] == [(1, 0, 0)]
    assert (amy.streak, zed.streak) == (1, 1)  # streaks count answers, not right ones


async def test_the_reveal_scores_the_drop_once(core: Core) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    await answer(core, card, "zed", True)
    await answer(core, card, "amy", False)
    before = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [r.points for r in before.rows] == [0, 0]
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))  # a retried or repeated close
    async with core.db.write() as conn:
        drop = await get_drop(conn, card.drop_id)
        assert drop.scored_at == core.clock.now()
        assert not await score_drop(conn, drop.id, drop.team_id, drop.timezone, core.clock.now())
    points = 10 * core.questions[card.question_id].difficulty
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [(r.user_id, r.points, r.correct, r.answered) for r in board.rows] == [
        ("zed", points, 1, 1),
        ("amy", 0, 0, 1),
    ]
    week = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.WEEK))
    assert [(r.user_id, r.points, r.correct) for r in week.rows] == [
        ("zed", points, 1),
        ("amy", 0, 0),
    ]
    readiness = await show_readiness(core, [drop.team_id])
    assert sum(d.correct for d in readiness.domains) == 1
    assert sum(d.answered for d in readiness.domains) == 2


async def test_the_engine_reveal_scores_and_a_second_replica_adds_nothing(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL, window=timedelta(minutes=30)))
    await answer(core, card, "zed", True)
    clock.advance(minutes=31)
    first = DeliveryEngine(core, EngineSettings(owner="replica-a"))
    second = DeliveryEngine(core, EngineSettings(owner="replica-b"))
    revealed = await asyncio.gather(first.reveal_due(), second.reveal_due())
    assert sum(revealed) == 1
    clock.advance(minutes=10)  # and a reveal retried later (say after a crash) changes nothing
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    points = 10 * core.questions[card.question_id].difficulty
    assert [(r.user_id, r.points, r.correct, r.answered) for r in board.rows] == [
        ("zed", points, 1, 1)
    ]


async def test_concurrent_reveals_on_two_connections_score_once(core: Core) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    await answer(core, card, "zed", True)
    await asyncio.gather(*(close_drop(core, CloseDrop(card.drop_id, CHANNEL)) for _ in range(4)))
    async with core.db.read() as conn:
        correct = await conn.scalar(
            select(func.sum(member_stats.c.correct)).where(member_stats.c.period == "all")
        )
    assert correct == 1


async def test_the_speed_bonus_counts_from_the_post_at_the_reveal(
    core: Core, clock: FakeClock
) -> None:
    core.scoring = ScoringPolicy(speed_bonus=5)
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL, window=timedelta(hours=4)))
    clock.advance(minutes=30)  # inside the first quarter of the window
    await answer(core, card, "zed", True)
    clock.advance(minutes=90)  # past it
    await answer(core, card, "amy", True)
    assert [r.points for r in (await show_leaderboard(core, ShowLeaderboard(CHANNEL))).rows] == [
        0,
        0,
    ]
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
    base = 10 * core.questions[card.question_id].difficulty
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [(r.user_id, r.points) for r in board.rows] == [("zed", base + 5), ("amy", base)]


async def test_points_land_in_the_period_of_the_answer_in_the_team_zone(core: Core) -> None:
    """Answered late on Sunday in New York (Monday in UTC), revealed on Monday: the points
    belong to the week the answer was given in, where its count already is."""
    clock = core.clock
    assert isinstance(clock, FakeClock)
    clock.current = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)  # Sunday 1 March, 23:30 in New York
    await register(core, tz="America/New_York")
    card = await start_drop(core, StartDrop(CHANNEL, window=timedelta(hours=1)))
    await answer(core, card, "zed", True)
    clock.advance(hours=1)  # Monday 00:30 in New York
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
    points = 10 * core.questions[card.question_id].difficulty
    sunday_week = await show_leaderboard(
        core, ShowLeaderboard(CHANNEL, Period.WEEK, on=date(2026, 3, 1))
    )
    assert [(r.user_id, r.points, r.correct, r.answered) for r in sunday_week.rows] == [
        ("zed", points, 1, 1)
    ]
    this_week = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.WEEK))
    assert this_week.period_start == date(2026, 3, 2)
    assert this_week.rows == ()


async def test_an_answer_to_an_already_scored_drop_counts_in_full(core: Core) -> None:
    """A drop scored before the upgrade that made scoring wait for the reveal (or by a reveal
    that committed while the answer was being written) scores later answers at once."""
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    async with core.db.write() as conn:
        await conn.execute(
            update(drops).where(drops.c.id == card.drop_id).values(scored_at=core.clock.now())
        )
    await answer(core, card, "zed", True)
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    points = 10 * core.questions[card.question_id].difficulty
    assert [(r.points, r.correct, r.answered) for r in board.rows] == [(points, 1, 1)]
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))  # and the reveal adds nothing more
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [(r.points, r.correct, r.answered) for r in board.rows] == [(points, 1, 1)]


async def test_an_answer_written_while_the_reveal_commits_is_scored_once(core: Core) -> None:
    """The reveal's transaction holds the drop; an answer batch writing meanwhile waits for it
    (PostgreSQL: on the drop's row; SQLite: on the single writer) and then scores its answer."""
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL))
    await answer(core, card, "amy", True)
    async with core.db.write() as conn:
        drop = await get_drop(conn, card.drop_id)
        assert await score_drop(conn, drop.id, drop.team_id, drop.timezone, core.clock.now())
        late = asyncio.ensure_future(answer(core, card, "zed", True))
        if conn.dialect.name == "postgresql":
            me = await conn.scalar(text("SELECT pg_backend_pid()"))
            await _wait_until_blocked(core, int(me or 0))
    await late
    points = 10 * core.questions[card.question_id].difficulty
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [(r.user_id, r.points, r.correct, r.answered) for r in board.rows] == [
        ("amy", points, 1, 1),
        ("zed", points, 1, 1),
    ]


async def _wait_until_blocked(core: Core, pid: int) -> None:
    """Poll (with a timeout) until another session waits on a lock held by backend `pid`."""
    async with asyncio.timeout(30):
        while True:
            async with core.db.read() as conn:
                waiting = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE CAST(:pid AS integer) = ANY(pg_blocking_pids(pid))"
                    ),
                    {"pid": pid},
                )
            if waiting:
                return
            await asyncio.sleep(0.01)
