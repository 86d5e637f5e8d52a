"""Leaderboards per period and domain, member progress and the organisation report."""

from __future__ import annotations

import pytest

from bot.domain.periods import Period
from bot.drop_life.start_close import close_drop, start_drop
from bot.errors import InvalidInputError, NotFoundError
from bot.ports import ChannelRef
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
from bot.service.views import QuestionCard
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock
from tests.support.actors import OPERATOR

SECOND_TEAM = ChannelRef("fake", "org-1", "chan-2")


async def drop(core: Core, channel: ChannelRef = CHANNEL) -> QuestionCard:
    return await start_drop(core, StartDrop(channel))


async def answer(
    core: Core, card: QuestionCard, user: str, right: bool, channel: ChannelRef = CHANNEL
) -> None:
    q = core.questions[card.question_id]
    options = sorted(q.key) if right else [o for o in q.option_ids if o not in q.key][: q.pick]
    await submit_answer(
        core, SubmitAnswer(channel, card.drop_id, user, user.title(), tuple(options))
    )


async def test_ranking_by_points_with_deterministic_ties(core: Core) -> None:
    await register(core)
    card = await drop(core)
    for user, right in [("zed", True), ("amy", True), ("bob", False), ("cat", True)]:
        await answer(core, card, user, right)
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))  # points count from the reveal
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    # equal points and counts: alphabetical by display name, so the order never flickers
    assert [(r.rank, r.user_id) for r in board.rows] == [
        (1, "amy"),
        (2, "cat"),
        (3, "zed"),
        (4, "bob"),
    ]
    assert board.rows[0].points == 10 * core.questions[card.question_id].difficulty
    assert board.rows[3].points == 0
    assert board.rows[3].accuracy == 0.0


async def test_week_month_and_all_time(core: Core, clock: FakeClock) -> None:
    await register(core)
    old = await drop(core)
    await answer(core, old, "amy", True)
    clock.advance(days=28)  # four weeks later: a new week and a new month
    new = await drop(core)
    await answer(core, new, "bob", True)
    week = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.WEEK))
    month = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.MONTH))
    ever = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [r.user_id for r in week.rows] == ["bob"]
    assert [r.user_id for r in month.rows] == ["bob"]
    assert sorted(r.user_id for r in ever.rows) == ["amy", "bob"]


async def test_domain_leaderboard_counts_only_that_domain(core: Core) -> None:
    await register(core)
    d1 = await start_drop(core, StartDrop(CHANNEL, focus_domain="D1"))
    d2 = await start_drop(core, StartDrop(CHANNEL, focus_domain="D2"))
    await answer(core, d1, "amy", True)
    await answer(core, d2, "bob", True)
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL, domain_id="D2"))
    assert [r.user_id for r in board.rows] == ["bob"]
    assert board.domain_name == "Monitoring"
    with pytest.raises(InvalidInputError, match="Unknown domain 'D9'"):
        await show_leaderboard(core, ShowLeaderboard(CHANNEL, domain_id="D9"))


async def test_limit_keeps_the_asking_member_row(core: Core) -> None:
    await register(core)
    card = await drop(core)
    for i in range(5):
        await answer(core, card, f"user{i}", True)
    await answer(core, card, "last", False)
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
    board = await show_leaderboard(
        core, ShowLeaderboard(CHANNEL, Period.ALL, user_id="last", limit=3)
    )
    assert len(board.rows) == 3
    assert board.total_members == 6
    assert board.you is not None
    assert board.you.rank == 6


async def test_progress_shows_accuracy_per_domain_streak_and_rank(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    for right in (True, False, True):
        card = await drop(core)
        await answer(core, card, "amy", right)
        await close_drop(core, CloseDrop(card.drop_id, CHANNEL))
        clock.advance(days=1)
    me = await show_progress(core, ShowProgress(CHANNEL, "amy"))
    assert sum(d.answered for d in me.domains) == 3
    assert sum(d.correct for d in me.domains) == 2
    assert (me.streak, me.best_streak, me.rank, me.ranked_members) == (3, 3, 1, 1)
    missed = await drop(core)
    await close_drop(core, CloseDrop(missed.drop_id, CHANNEL))
    assert (await show_progress(core, ShowProgress(CHANNEL, "amy"))).streak == 0
    with pytest.raises(NotFoundError, match="answer a question first"):
        await show_progress(core, ShowProgress(CHANNEL, "nobody"))


async def test_org_report_covers_its_teams_and_never_another_org(core: Core) -> None:
    await register(core)
    await register(core, SECOND_TEAM)
    await register(core, OTHER_ORG_CHANNEL)
    a = await drop(core)
    b = await drop(core, SECOND_TEAM)
    other = await drop(core, OTHER_ORG_CHANNEL)
    await answer(core, a, "amy", True)
    await answer(core, a, "bob", False)
    await answer(core, b, "amy", True, SECOND_TEAM)
    for i in range(5):
        await answer(core, other, f"outsider{i}", True, OTHER_ORG_CHANNEL)
    for card, channel in ((a, CHANNEL), (b, SECOND_TEAM), (other, OTHER_ORG_CHANNEL)):
        await close_drop(core, CloseDrop(card.drop_id, channel))
    report = await show_org_report(core, ShowOrgReport("fake", "org-1", Period.ALL, actor=OPERATOR))
    assert [t.team_name for t in report.teams] == ["Team chan-1", "Team chan-2"]
    first = report.teams[0]
    assert (first.members, first.active_members, first.answers) == (2, 2, 2)
    assert first.participation == 1.0
    assert sum(d.answered for d in report.domains) == 3  # the other org's five answers are not here
    assert sum(d.correct for d in report.domains) == 2


async def test_leaderboards_never_mix_organisations(core: Core) -> None:
    await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    mine = await drop(core)
    theirs = await drop(core, OTHER_ORG_CHANNEL)
    await answer(core, mine, "amy", True)
    await answer(core, theirs, "amy", True, OTHER_ORG_CHANNEL)  # same user id, other workspace
    board = await show_leaderboard(core, ShowLeaderboard(CHANNEL, Period.ALL))
    assert [r.user_id for r in board.rows] == ["amy"]
    assert board.rows[0].answered == 1
