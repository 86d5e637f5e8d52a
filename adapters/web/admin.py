"""Admin pages: each team's schedule (create, edit, pause) and the content pack's health."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.web.dashboard import render
from adapters.web.gate import Gate
from bot.domain.schedule_form import (
    FIELDS,
    NOT_SAVED,
    FieldKind,
    schedule_form,
    submitted_fields,
)
from bot.errors import FieldErrors, StudybotError
from bot.packs.issues import PackIssue, Severity
from bot.packs.lint import lint_pack
from bot.packs.stats import pack_stats
from bot.service.commands import SaveSchedule
from bot.service.org_teams import list_org_teams, own_team
from bot.service.policy import Action
from bot.service.schedules import (
    channel_schedules,
    get_schedule,
    org_schedules,
    save_schedule,
    set_schedule_active,
)

SHOWN = tuple(f.name for f in FIELDS if f.kind is not FieldKind.SWITCH)  # Pause is the switch


def admin_router(gate: Gate, content_dir: Path | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    core = gate.core
    lint_cache: dict[str, list[PackIssue]] = {}

    @router.get("/admin/schedules", response_class=HTMLResponse)
    async def schedules(request: Request) -> Response:
        grant = gate.browser(request)
        await gate.require(grant, Action.SAVE_SCHEDULE)
        org = await list_org_teams(core, grant.platform, grant.workspace)
        stored = {r.team_id: r for r in await org_schedules(core, grant.platform, grant.workspace)}
        return render(
            request,
            "dashboard/schedules.html",
            {"grant": grant, "org": org, "stored": stored, "quote": quote},
        )

    async def _form_page(
        request: Request, channel_id: str, values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None, message: str = "", status: int = 200,
    ) -> Response:  # fmt: skip
        grant = gate.browser(request)
        await gate.require(grant, Action.SAVE_SCHEDULE)
        team = await own_team(core, grant.actor, channel_id)
        schedule = await get_schedule(core, team.channel)
        records = await channel_schedules(core, team.channel) if schedule is not None else []
        return render(
            request,
            "dashboard/schedule.html",
            {
                "grant": grant,
                "team": team,
                "schedule": schedule,
                "record": records[0] if records else None,
                "form": schedule_form(schedule, core.pack.domains, values=values, errors=errors),
                "shown": SHOWN,
                "not_saved": NOT_SAVED,
                "message": message,
                "note": request.query_params.get("note", "")[:200],
                "action": f"/admin/teams/{quote(channel_id, safe='')}/schedule",
            },
            status,
        )

    @router.get("/admin/teams/{channel_id}/schedule", response_class=HTMLResponse)
    async def schedule_page(request: Request, channel_id: str) -> Response:
        return await _form_page(request, channel_id)

    @router.post("/admin/teams/{channel_id}/schedule")
    async def schedule_save(request: Request, channel_id: str) -> Response:
        grant, form = await gate.form(request)
        await gate.require(grant, Action.SAVE_SCHEDULE)
        team = await own_team(core, grant.actor, channel_id)
        values: dict[str, str] = {k: form.get(k, "").strip()[:500] for k in SHOWN}
        current = await get_schedule(core, team.channel)
        parsed = submitted_fields(values) | {"active": current.active if current else True}
        try:
            await save_schedule(core, SaveSchedule(team.channel, parsed, actor=grant.actor))
        except FieldErrors as exc:
            return await _form_page(request, channel_id, values, exc.errors, status=400)
        except StudybotError as exc:
            return await _form_page(request, channel_id, values, message=str(exc), status=400)
        return _back(channel_id, "The schedule is saved.")

    @router.post("/admin/teams/{channel_id}/schedule/active")
    async def schedule_active(request: Request, channel_id: str) -> Response:
        grant, form = await gate.form(request)
        await gate.require(grant, Action.PAUSE_SCHEDULE)
        team = await own_team(core, grant.actor, channel_id)
        active = form.get("active") == "on"
        try:
            await set_schedule_active(core, team.channel, active, actor=grant.actor)
        except StudybotError as exc:
            return await _form_page(request, channel_id, message=str(exc), status=400)
        return _back(
            channel_id, "The schedule is running." if active else "The schedule is paused."
        )

    @router.get("/admin/content", response_class=HTMLResponse)
    async def content(request: Request) -> Response:
        grant = gate.browser(request)
        await gate.require(grant, Action.READ_CONTENT)
        issues: list[PackIssue] | None = None
        if content_dir is not None:
            key = str(content_dir)
            if key not in lint_cache:
                lint_cache[key] = await asyncio.to_thread(lint_pack, content_dir)
            issues = lint_cache[key]
        return render(
            request,
            "dashboard/content.html",
            {
                "grant": grant,
                "pack": core.pack,
                "stats": pack_stats(core.pack),
                "issues": issues,
                "errors": sum(i.severity is Severity.ERROR for i in issues or []),
            },
        )

    return router


def _back(channel_id: str, note: str) -> RedirectResponse:
    return RedirectResponse(
        f"/admin/teams/{quote(channel_id, safe='')}/schedule?{urlencode({'note': note})}",
        status_code=303,
    )
