"""Admin page for a team's study admins: list, appoint and remove them (admins of the org only)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.web.dashboard import render
from adapters.web.gate import Gate
from bot.service.admins import admin_change_text, list_study_admins, set_study_admin
from bot.service.org_teams import own_team
from bot.service.policy import Action

MAX_ID = 64


def study_admins_router(gate: Gate) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    core = gate.core

    async def page(
        request: Request, channel_id: str, message: str = "", status: int = 200
    ) -> Response:
        grant = gate.browser(request)
        await gate.require(grant, Action.MANAGE_STUDY_ADMINS)
        team = await own_team(core, grant.actor, channel_id)
        return render(
            request,
            "dashboard/admins.html",
            {
                "grant": grant,
                "team": team,
                "admins": await list_study_admins(core, team.channel, actor=grant.actor),
                "message": message,
                "note": request.query_params.get("note", "")[:200],
                "action": f"/admin/teams/{quote(channel_id, safe='')}/admins",
            },
            status,
        )

    @router.get("/admin/teams/{channel_id}/admins", response_class=HTMLResponse)
    async def admins(request: Request, channel_id: str) -> Response:
        return await page(request, channel_id)

    @router.post("/admin/teams/{channel_id}/admins")
    async def change(request: Request, channel_id: str) -> Response:
        grant, form = await gate.form(request)
        await gate.require(grant, Action.MANAGE_STUDY_ADMINS)
        team = await own_team(core, grant.actor, channel_id)
        user = form.get("user", "").strip()
        action = form.get("action", "")
        if not user or len(user) > MAX_ID or action not in ("add", "remove"):
            return await page(
                request,
                channel_id,
                f"Give the member's id (at most {MAX_ID} characters) and choose add or remove.",
                400,
            )
        listed = await list_study_admins(core, team.channel, actor=grant.actor)
        current = {a.user_id for a in listed}
        if action == "remove" and user not in current:
            return await page(request, channel_id, f"{user} is not a study admin here.", 400)
        name = form.get("name", "").strip()[:200]
        await set_study_admin(core, team.channel, user, name, action == "add", actor=grant.actor)
        note = admin_change_text([user], action == "add")
        return RedirectResponse(
            f"/admin/teams/{quote(channel_id, safe='')}/admins?{urlencode({'note': note})}",
            status_code=303,
        )

    return router
