"""Leaderboards, a member's progress and the organisation report, read from the aggregate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.periods import ALL_TIME_START, Period, local_date, period_start
from bot.domain.scoring import Streak
from bot.drop_life.states import SHOWN
from bot.errors import InvalidInputError, NotFoundError
from bot.service import policy
from bot.service.commands import ShowLeaderboard, ShowOrgReport, ShowProgress
from bot.service.context import Core
from bot.service.directory import TeamRecord, find_member, find_team
from bot.service.policy import Action
from bot.service.views import (
    DomainProgress,
    LeaderboardRow,
    LeaderboardView,
    MemberProgressView,
    OrgReportView,
    TeamReport,
)
from bot.storage.tables import drops, member_stats, members, organisations, team_members, teams

MAX_LIMIT = 50


def ranked(rows: Iterable[LeaderboardRow]) -> list[LeaderboardRow]:
    """Order by points, then correct answers, then fewer attempts, then name, then member id,
    so equal scores always come out in the same order; ranks are positions 1, 2, 3 …"""
    ordered = sorted(
        rows,
        key=lambda r: (-r.points, -r.correct, r.answered, r.display_name.casefold(), r.member_id),
    )
    return [
        LeaderboardRow(i, r.member_id, r.user_id, r.display_name, r.points, r.correct, r.answered)
        for i, r in enumerate(ordered, start=1)
    ]


async def show_leaderboard(core: Core, cmd: ShowLeaderboard) -> LeaderboardView:
    if cmd.domain_id is not None and cmd.domain_id not in {d.id for d in core.pack.domains}:
        known = ", ".join(d.id for d in core.pack.domains)
        raise InvalidInputError(f"Unknown domain {cmd.domain_id!r}; use one of {known}.")
    limit = max(1, min(cmd.limit, MAX_LIMIT))
    async with core.db.read() as conn:
        team = await find_team(conn, cmd.channel)
        day = cmd.on or local_date(core.clock.now(), team.timezone)
        start = period_start(cmd.period, day)
        rows = ranked(await _member_totals(conn, team.id, cmd.period, start, cmd.domain_id))
    you = next((r for r in rows if cmd.user_id is not None and r.user_id == cmd.user_id), None)
    domain_name = core.pack.domain(cmd.domain_id).name if cmd.domain_id else "All domains"
    return LeaderboardView(
        team_id=team.id,
        team_name=team.name,
        period=cmd.period,
        period_start=start,
        domain_id=cmd.domain_id,
        domain_name=domain_name,
        rows=tuple(rows[:limit]),
        total_members=len(rows),
        you=you,
    )


async def show_progress(core: Core, cmd: ShowProgress) -> MemberProgressView:
    async with core.db.read() as conn:
        team = await find_team(conn, cmd.channel)
        member_id, name = await find_member(conn, team.org_id, cmd.user_id)
        per_domain = await conn.execute(
            select(
                member_stats.c.domain_id,
                member_stats.c.answered,
                member_stats.c.correct,
                member_stats.c.points,
            ).where(
                _period(team.id, Period.ALL, ALL_TIME_START),
                member_stats.c.member_id == member_id,
            )
        )
        found = {r.domain_id: r for r in per_domain}
        streak_row = (
            await conn.execute(
                select(
                    team_members.c.streak_current,
                    team_members.c.streak_best,
                    team_members.c.streak_last_seq,
                ).where(team_members.c.team_id == team.id, team_members.c.member_id == member_id)
            )
        ).first()
        last_closed = await _last_closed_seq(conn, team, core)
        board = ranked(await _member_totals(conn, team.id, Period.ALL, ALL_TIME_START, None))
    streak = Streak(*streak_row) if streak_row else Streak()
    domains = tuple(
        DomainProgress(
            d.id,
            d.name,
            found[d.id].answered if d.id in found else 0,
            found[d.id].correct if d.id in found else 0,
            found[d.id].points if d.id in found else 0,
        )
        for d in core.pack.domains
    )
    rank = next((r.rank for r in board if r.member_id == member_id), None)
    return MemberProgressView(
        team_name=team.name,
        display_name=name,
        domains=domains,
        streak=streak.shown(last_closed),
        best_streak=streak.best,
        rank=rank,
        ranked_members=len(board),
    )


async def show_org_report(core: Core, cmd: ShowOrgReport) -> OrgReportView:
    """Participation and accuracy per domain for every team of one organisation."""
    asked_of = (cmd.platform, cmd.org_external_id)
    await policy.authorize(core, cmd.actor, Action.READ_ORG_REPORT, cmd.channel, org=asked_of)
    now = core.clock.now()
    async with core.db.read() as conn:
        org = (
            await conn.execute(
                select(organisations.c.id, organisations.c.name).where(
                    organisations.c.platform == cmd.platform,
                    organisations.c.external_id == cmd.org_external_id,
                )
            )
        ).first()
        if org is None:
            raise NotFoundError("This organisation has no study channels yet.")
        team_rows = (
            await conn.execute(
                select(teams.c.id, teams.c.name, teams.c.timezone)
                .where(teams.c.org_id == org.id)
                .order_by(teams.c.name, teams.c.id)
            )
        ).all()
        starts = {t.id: period_start(cmd.period, local_date(now, t.timezone)) for t in team_rows}
        by_start: dict[date, list[int]] = defaultdict(list)
        for team_id, start in starts.items():
            by_start[start].append(team_id)
        sums: dict[tuple[int, str], tuple[int, int, int]] = {}
        active: dict[int, int] = {}
        for start, team_ids in by_start.items():
            where = and_(
                member_stats.c.team_id.in_(team_ids),
                member_stats.c.period == cmd.period.value,
                member_stats.c.period_start == start,
            )
            for t, d, a, c, p in await conn.execute(
                select(
                    member_stats.c.team_id,
                    member_stats.c.domain_id,
                    func.sum(member_stats.c.answered),
                    func.sum(member_stats.c.correct),
                    func.sum(member_stats.c.points),
                )
                .where(where)
                .group_by(member_stats.c.team_id, member_stats.c.domain_id)
            ):
                sums[(t, d)] = (int(a), int(c), int(p))
            for t, n in await conn.execute(
                select(member_stats.c.team_id, func.count(func.distinct(member_stats.c.member_id)))
                .where(where)
                .group_by(member_stats.c.team_id)
            ):
                active[t] = int(n)
        sizes = {
            team_id: int(n)
            for team_id, n in await conn.execute(
                select(team_members.c.team_id, func.count())
                .where(team_members.c.team_id.in_([t.id for t in team_rows]))
                .group_by(team_members.c.team_id)
            )
        }
    reports = []
    for t in team_rows:
        domains = _domain_progress(
            core, [(d.id, *sums.get((t.id, d.id), (0, 0, 0))) for d in core.pack.domains]
        )
        reports.append(
            TeamReport(
                team_id=t.id,
                team_name=t.name,
                members=int(sizes.get(t.id, 0)),
                active_members=active.get(t.id, 0),
                answers=sum(d.answered for d in domains),
                domains=domains,
            )
        )
    totals = _domain_progress(
        core,
        [
            (
                d.id,
                sum(sums.get((t.id, d.id), (0, 0, 0))[0] for t in team_rows),
                sum(sums.get((t.id, d.id), (0, 0, 0))[1] for t in team_rows),
                sum(sums.get((t.id, d.id), (0, 0, 0))[2] for t in team_rows),
            )
            for d in core.pack.domains
        ],
    )
    return OrgReportView(org_name=org.name, period=cmd.period, teams=tuple(reports), domains=totals)


def _domain_progress(
    core: Core, rows: Sequence[tuple[str, int, int, int]]
) -> tuple[DomainProgress, ...]:
    return tuple(DomainProgress(d, core.pack.domain(d).name, a, c, p) for d, a, c, p in rows)


def _period(team_id: int, period: Period, start: date) -> ColumnElement[bool]:
    return and_(
        member_stats.c.team_id == team_id,
        member_stats.c.period == period.value,
        member_stats.c.period_start == start,
    )


async def _member_totals(
    conn: AsyncConnection, team_id: int, period: Period, start: date, domain_id: str | None
) -> list[LeaderboardRow]:
    query = (
        select(
            member_stats.c.member_id,
            members.c.user_id,
            members.c.display_name,
            func.sum(member_stats.c.points),
            func.sum(member_stats.c.correct),
            func.sum(member_stats.c.answered),
        )
        .join(members, members.c.id == member_stats.c.member_id)
        .where(_period(team_id, period, start))
        .group_by(member_stats.c.member_id, members.c.user_id, members.c.display_name)
    )
    if domain_id is not None:
        query = query.where(member_stats.c.domain_id == domain_id)
    return [
        LeaderboardRow(0, m, u, n, int(p), int(c), int(a))
        for m, u, n, p, c, a in (await conn.execute(query))
    ]


async def _last_closed_seq(conn: AsyncConnection, team: TeamRecord, core: Core) -> int:
    """The highest sequence number among the team's drops whose window has ended."""
    value = await conn.scalar(
        select(func.max(drops.c.seq)).where(
            drops.c.team_id == team.id,
            drops.c.closes_at <= core.clock.now(),
            drops.c.status.in_(SHOWN),
        )
    )
    return int(value or 0)
