"""What a manager sees of an organisation or of one of its teams: the report or the leaderboard,
participation per week, readiness and who stopped answering, read for that place only."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.domain.periods import Period
from bot.service import policy
from bot.service.commands import Actor, ShowLeaderboard, ShowOrgReport
from bot.service.context import Core
from bot.service.inactivity import InactiveMember, inactive_members
from bot.service.leaderboards import show_leaderboard, show_org_report
from bot.service.org_teams import OrgTeam, OrgTeams, list_org_teams
from bot.service.participation import WeekParticipation, participation_by_week
from bot.service.readiness import ReadinessView, show_readiness
from bot.service.views import LeaderboardView, OrgReportView

WEEKS = 12  # of participation, ending with the current week
BOARD_ROWS = 50


@dataclass(frozen=True)
class Progress:
    """What the organisation's and a team's pages have in common, for their teams."""

    org: OrgTeams
    weeks: tuple[WeekParticipation, ...]
    readiness: ReadinessView
    inactive: list[InactiveMember]


@dataclass(frozen=True)
class OrgProgress(Progress):
    report: OrgReportView


@dataclass(frozen=True)
class TeamProgress(Progress):
    team: OrgTeam
    board: LeaderboardView


async def _org(core: Core, actor: Actor) -> OrgTeams:
    """The actor's own organisation, once the policy lets them read its dashboard."""
    where = (actor.platform, actor.org_external_id)
    await policy.authorize(core, actor, policy.Action.READ_DASHBOARD, org=where)
    return await list_org_teams(core, actor.platform, actor.org_external_id)


async def org_progress(core: Core, actor: Actor, period: Period) -> OrgProgress:
    """Every team of the actor's organisation; the independent queries run side by side (each
    on its own pooled connection), which keeps a 200-team organisation under 300 ms."""
    org = await _org(core, actor)
    ids = [t.team_id for t in org.teams]
    asked = ShowOrgReport(actor.platform, actor.org_external_id, period, actor=actor)
    report, weeks, readiness, inactive = await asyncio.gather(
        show_org_report(core, asked),
        participation_by_week(core, ids, [t.timezone for t in org.teams], WEEKS),
        show_readiness(core, ids),
        inactive_members(core, ids),
    )
    return OrgProgress(org, weeks, readiness, inactive, report)


async def team_progress(
    core: Core, actor: Actor, channel_id: str, period: Period, domain_id: str | None
) -> TeamProgress:
    """One team of the actor's organisation (NotFoundError for a channel of any other)."""
    org = await _org(core, actor)
    team = org.team(channel_id)  # of the actor's organisation only
    board, weeks, readiness, inactive = await asyncio.gather(
        show_leaderboard(core, ShowLeaderboard(team.channel, period, domain_id, limit=BOARD_ROWS)),
        participation_by_week(core, [team.team_id], [team.timezone], WEEKS),
        show_readiness(core, [team.team_id]),
        inactive_members(core, [team.team_id]),
    )
    return TeamProgress(org, weeks, readiness, inactive, team, board)
