"""Gathers what the dashboard pages and their CSV exports show, from core queries only."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from adapters.web.access import Grant
from adapters.web.charts import bar_chart, column_chart, heatmap
from adapters.web.tables import Table
from bot.domain.periods import Period
from bot.service.context import Core
from bot.service.inactivity import DEFAULT_MISSED, InactiveMember
from bot.service.org_teams import OrgTeams
from bot.service.participation import WeekParticipation
from bot.service.readiness import ReadinessView
from bot.service.team_progress import org_progress, team_progress
from bot.service.views import LeaderboardView, OrgReportView

SHOWN_INACTIVE = 50


def pct(share: float) -> int:
    """A share 0..1 as a whole percent: a number in the CSV, the unit in the column header."""
    return round(100 * share)


@dataclass(frozen=True)
class Filters:
    period: Period
    domain_id: str | None

    @classmethod
    def parse(cls, core: Core, period: str, domain: str) -> Filters:
        """Unknown values fall back to this week and all domains (links stay shareable)."""
        chosen = Period(period) if period in Period._value2member_map_ else Period.WEEK
        known = {d.id for d in core.pack.domains}
        return cls(chosen, domain if domain in known else None)


@dataclass(frozen=True)
class Page:
    title: str
    tables: dict[str, Table]
    charts: dict[str, Markup]
    readiness: ReadinessView
    filters: Filters


def _participation(weeks: tuple[WeekParticipation, ...]) -> tuple[Table, Markup]:
    table = Table(
        "participation",
        "Participation per week",
        ("week starting", "team members", "members who answered", "participation (%)"),
        [(w.week_start.isoformat(), w.members, w.active_members, pct(w.rate)) for w in weeks],
    )
    chart = column_chart(
        "Share of members who answered at least once, per week",
        [f"{w.week_start:%d %b}" for w in weeks],
        [w.rate for w in weeks],
        "week starting (Monday)",
        "members who answered",
        percent=True,
    )
    return table, chart


def _readiness(view: ReadinessView) -> tuple[Table, Markup]:
    table = Table(
        "readiness",
        "Readiness per domain",
        (
            "domain",
            "exam weight (%)",
            "answers",
            "right",
            "estimated accuracy, smoothed (%)",
            "status",
        ),
        [
            (
                f"{d.domain_id} {d.domain_name}",
                round(d.weight, 1),
                d.answered,
                d.correct,
                pct(d.estimate),
                ("ready" if d.ready(view.pass_share) else "below the pass line")
                + ("" if d.enough_answers else " (few answers: uncertain)"),
            )
            for d in view.domains
        ],
    )
    chart = bar_chart(
        "Smoothed estimated accuracy per domain against the pass line",
        [f"{d.domain_id} ({d.weight:.0f} %) {d.domain_name}" for d in view.domains],
        [d.estimate for d in view.domains],
        "estimated share of right answers",
        mark=view.pass_share,
        mark_label=f"pass line ({view.pass_mark})",
    )
    return table, chart


def _inactive(found: list[InactiveMember]) -> Table:
    return Table(
        "inactive",
        f"Members who stopped answering (missed at least {DEFAULT_MISSED} questions in a row)",
        ("member", "user id", "team", "questions missed since", "last answered question posted"),
        [
            (
                m.display_name,
                m.user_id,
                m.team_name,
                m.missed,
                m.last_answered_drop_at.strftime("%Y-%m-%d") if m.last_answered_drop_at else None,
            )
            for m in found
        ],
        shown_limit=SHOWN_INACTIVE,
    )


def _leaderboard(board: LeaderboardView) -> Table:
    return Table(
        "leaderboard",
        f"Leaderboard: {board.domain_name}, "
        + (
            "all time"
            if board.period is Period.ALL
            else f"this {board.period.value} (from {board.period_start})"
        ),
        ("rank", "member", "points", "right", "answered", "accuracy, raw (%)"),
        [
            (r.rank, r.display_name, r.points, r.correct, r.answered, pct(r.accuracy))
            for r in board.rows
        ],
    )


def _team_ranking(report: OrgReportView, filters: Filters) -> Table:
    return Table(
        "teams",
        "Teams by points",
        (
            "rank",
            "team",
            "members",
            "members who answered",
            "answers",
            "right",
            "points",
            "accuracy, raw (%)",
        ),
        [
            (
                t.rank,
                t.team_name,
                t.members,
                t.active_members,
                t.answered,
                t.correct,
                t.points,
                None if t.accuracy is None else pct(t.accuracy),
            )
            for t in report.ranking(filters.domain_id)
        ],
    )


def _heatmap(core: Core, report: OrgReportView) -> tuple[Table, Markup]:
    domains = core.pack.domains
    values = [[d.accuracy for d in t.domains] for t in report.teams]
    table = Table(
        "heatmap",
        "Accuracy per team and domain (raw share of right answers, %)",
        ("team", *(f"{d.id} {d.name} (%)" for d in domains)),
        [
            (t.team_name, *(None if v is None else pct(v) for v in row))
            for t, row in zip(report.teams, values, strict=True)
        ],
    )
    chart = heatmap(
        "Raw accuracy per team and exam domain (share of right answers, not smoothed)",
        [t.team_name for t in report.teams],
        [d.id for d in domains],
        values,
        "exam domain",
        "team",
    )
    return table, chart


async def org_page(core: Core, grant: Grant, filters: Filters) -> tuple[OrgTeams, Page]:
    found = await org_progress(core, grant.actor, filters.period)
    participation_table, participation_chart = _participation(found.weeks)
    readiness_table, readiness_chart = _readiness(found.readiness)
    heat_table, heat_chart = _heatmap(core, found.report)
    tables = {
        t.name: t
        for t in (
            _team_ranking(found.report, filters),
            heat_table,
            participation_table,
            readiness_table,
            _inactive(found.inactive),
        )
    }
    charts = {
        "heatmap": heat_chart,
        "participation": participation_chart,
        "readiness": readiness_chart,
    }
    return found.org, Page(found.report.org_name, tables, charts, found.readiness, filters)


async def team_page(
    core: Core, grant: Grant, channel_id: str, filters: Filters
) -> tuple[OrgTeams, Page]:
    found = await team_progress(core, grant.actor, channel_id, filters.period, filters.domain_id)
    participation_table, participation_chart = _participation(found.weeks)
    readiness_table, readiness_chart = _readiness(found.readiness)
    tables = {
        t.name: t
        for t in (
            _leaderboard(found.board),
            participation_table,
            readiness_table,
            _inactive(found.inactive),
        )
    }
    charts = {"participation": participation_chart, "readiness": readiness_chart}
    return found.org, Page(found.team.name, tables, charts, found.readiness, filters)
