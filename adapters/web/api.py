"""The JSON API: leaderboards, progress and schedules of one organisation, same access rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from adapters.web.access import Grant
from adapters.web.gate import Gate
from bot.domain.periods import Period
from bot.domain.schedule import Schedule, schedule_fields
from bot.errors import FieldErrors, NotFoundError
from bot.service.commands import SaveSchedule, ShowLeaderboard, ShowProgress
from bot.service.leaderboards import show_leaderboard, show_progress
from bot.service.org_teams import list_org_teams, own_team
from bot.service.policy import Action
from bot.service.schedules import org_schedules, save_schedule, set_schedule_active


class Problem(BaseModel):
    detail: str


class FieldProblem(BaseModel):
    detail: str
    errors: dict[str, str] = Field(description="each invalid field with the core's message")


class TeamOut(BaseModel):
    channel_id: str
    name: str
    timezone: str
    members: int


class RowOut(BaseModel):
    rank: int
    user_id: str
    display_name: str
    points: int
    correct: int
    answered: int


class LeaderboardOut(BaseModel):
    team: str
    period: Literal["week", "month", "all"]
    period_start: date
    domain_id: str | None
    domain_name: str
    total_members: int
    rows: list[RowOut]


class DomainOut(BaseModel):
    domain_id: str
    domain_name: str
    answered: int
    correct: int
    points: int


class ProgressOut(BaseModel):
    team: str
    display_name: str
    streak: int
    best_streak: int
    rank: int | None
    ranked_members: int
    domains: list[DomainOut]


class ScheduleIn(BaseModel):
    """The same fields, words and validation as the schedule form and the CLI."""

    days: str = Field(max_length=200, examples=["weekdays"])
    time: str = Field(max_length=20, examples=["09:00"])
    timezone: str = Field(max_length=64, examples=["Europe/Berlin"])
    window: str | None = Field(None, max_length=20, examples=["8h"])
    closes_at: str | None = Field(None, max_length=20)
    reveal_mode: str | None = Field(None, max_length=40)
    focus_domain: str | None = Field(None, max_length=16)
    start_date: str | None = Field(None, max_length=20)
    end_date: str | None = Field(None, max_length=20)
    skip_dates: str | None = Field(None, max_length=1000)
    digest: str | None = Field(None, max_length=10)
    active: bool = True


class ActiveIn(BaseModel):
    active: bool


class MissedOut(BaseModel):
    due_at: datetime
    status: str  # skipped or failed
    reason: str


class ScheduleOut(BaseModel):
    channel_id: str
    team: str
    active: bool
    fields: dict[str, str]
    updated_at: datetime | None = None
    last_error: str | None = None
    missed: list[MissedOut] = []  # newest skipped or failed occurrences, with their reason


async def _caller(request: Request) -> Grant:
    """The caller's grant, checked by the gate that mount_dashboard put on the app."""
    gate: Gate = request.app.state.dashboard_gate
    grant = gate.api(request)
    await gate.require(grant, Action.READ_DASHBOARD)
    return grant


Caller = Annotated[Grant, Depends(_caller)]
ChannelId = Annotated[str, Path(max_length=64)]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no valid bearer token or session"},
    403: {"model": Problem, "description": "the role may not do this"},
    404: {"model": Problem, "description": "no such team in this organisation"},
}


def _schedule_out(channel_id: str, team: str, schedule: Schedule, **extra: Any) -> ScheduleOut:
    return ScheduleOut(
        channel_id=channel_id,
        team=team,
        active=schedule.active,
        fields=schedule_fields(schedule),
        **extra,
    )


def api_router(gate: Gate) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["studybot"], responses=ERRORS)
    core = gate.core

    @router.get("/teams", response_model=list[TeamOut])
    async def teams(grant: Caller) -> list[TeamOut]:
        """The organisation's study channels."""
        try:
            org = await list_org_teams(core, grant.platform, grant.workspace)
        except NotFoundError:
            return []
        return [TeamOut(channel_id=t.channel.channel_id, name=t.name, timezone=t.timezone,
                        members=t.members) for t in org.teams]  # fmt: skip

    @router.get(
        "/teams/{channel_id}/leaderboard",
        response_model=LeaderboardOut,
        responses={400: {"model": Problem, "description": "unknown domain"}},
    )
    async def leaderboard(
        grant: Caller,
        channel_id: ChannelId,
        period: Literal["week", "month", "all"] = "week",
        domain: Annotated[str | None, Query(max_length=16)] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> LeaderboardOut:
        team = await own_team(core, grant.actor, channel_id)
        board = await show_leaderboard(
            core, ShowLeaderboard(team.channel, Period(period), domain or None, limit=limit)
        )
        return LeaderboardOut(
            team=board.team_name,
            period=period,
            period_start=board.period_start,
            domain_id=board.domain_id,
            domain_name=board.domain_name,
            total_members=board.total_members,
            rows=[RowOut(rank=r.rank, user_id=r.user_id, display_name=r.display_name,
                         points=r.points, correct=r.correct, answered=r.answered)
                  for r in board.rows],
        )  # fmt: skip

    @router.get("/teams/{channel_id}/progress/{user_id}", response_model=ProgressOut)
    async def progress(
        grant: Caller, channel_id: ChannelId, user_id: Annotated[str, Path(max_length=64)]
    ) -> ProgressOut:
        team = await own_team(core, grant.actor, channel_id)
        view = await show_progress(core, ShowProgress(team.channel, user_id))
        return ProgressOut(
            team=view.team_name,
            display_name=view.display_name,
            streak=view.streak,
            best_streak=view.best_streak,
            rank=view.rank,
            ranked_members=view.ranked_members,
            domains=[DomainOut(domain_id=d.domain_id, domain_name=d.domain_name,
                               answered=d.answered, correct=d.correct, points=d.points)
                     for d in view.domains],
        )  # fmt: skip

    @router.get("/schedules", response_model=list[ScheduleOut])
    async def schedules(grant: Caller) -> list[ScheduleOut]:
        """Every schedule of the organisation (managers may read them, only admins change them)."""
        return [
            _schedule_out(r.channel.channel_id, r.team_name, r.schedule,
                          updated_at=r.updated_at, last_error=r.last_error,
                          missed=[MissedOut(due_at=m.due_at, status=m.status, reason=m.reason)
                                  for m in r.missed])
            for r in await org_schedules(core, grant.platform, grant.workspace)
        ]  # fmt: skip

    @router.put(
        "/teams/{channel_id}/schedule",
        response_model=ScheduleOut,
        responses={422: {"model": FieldProblem, "description": "invalid fields"}},
    )
    async def put_schedule(grant: Caller, channel_id: ChannelId, body: ScheduleIn) -> Any:
        """Create or replace the team's schedule (admins only)."""
        team = await own_team(core, grant.actor, channel_id)
        values = {k: v for k, v in body.model_dump().items() if v not in (None, "")}
        try:
            schedule = await save_schedule(
                core, SaveSchedule(team.channel, values, actor=grant.actor)
            )
        except FieldErrors as exc:
            return JSONResponse(
                {"detail": "The schedule was not saved.", "errors": exc.errors}, status_code=422
            )
        return _schedule_out(channel_id, team.name, schedule)

    @router.put(
        "/teams/{channel_id}/schedule/active",
        response_model=ScheduleOut,
    )
    async def put_active(grant: Caller, channel_id: ChannelId, body: ActiveIn) -> ScheduleOut:
        """Pause (false) or resume (true) the team's schedule (admins only)."""
        team = await own_team(core, grant.actor, channel_id)
        schedule = await set_schedule_active(core, team.channel, body.active, actor=grant.actor)
        return _schedule_out(channel_id, team.name, schedule)

    return router


async def api_error(request: Request, exc: Exception) -> JSONResponse:
    """Core errors as JSON problems: unknown things 404, anything else the core refused 400."""
    status = 404 if isinstance(exc, NotFoundError) else 400
    return JSONResponse({"detail": str(exc)}, status_code=status)
