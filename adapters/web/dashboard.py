"""Dashboard pages for managers and admins: the organisation, each team, and CSV exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from adapters.web.access import AccessDenied, Grant, end_session, grant_from_link, start_session
from adapters.web.dashboard_data import Filters, Page, org_page, team_page
from adapters.web.gate import Gate
from adapters.web.signing import BadToken
from adapters.web.tables import to_csv

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC = Path(__file__).parent / "static"


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def refusal(request: Request, message: str, grant: Grant | None = None) -> Response:
    return render(request, "dashboard/refused.html", {"message": message, "grant": grant}, 403)


def dashboard_router(gate: Gate) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    core = gate.core

    @router.get("/dashboard/static/dashboard.css")
    async def stylesheet() -> FileResponse:
        return FileResponse(STATIC / "dashboard.css", media_type="text/css")

    @router.get("/dashboard/enter")
    async def enter(request: Request, token: str = "") -> Response:
        try:
            grant = grant_from_link(gate.settings, token, core.clock.now())
        except BadToken as exc:
            return refusal(request, str(exc))
        response = RedirectResponse("/dashboard", status_code=303)
        start_session(gate.settings, grant, response)
        return response

    @router.post("/dashboard/logout")
    async def logout(request: Request) -> Response:
        await gate.form(request)
        response = render(
            request, "dashboard/refused.html", {"message": "You are signed out.", "grant": None}
        )
        end_session(gate.settings, response)
        return response

    @router.get("/dashboard", response_class=HTMLResponse)
    async def organisation(request: Request, period: str = "week", domain: str = "") -> Response:
        grant = gate.browser(request)
        filters = Filters.parse(core, period, domain)
        org, page = await org_page(core, grant, filters)
        return render(
            request,
            "dashboard/org.html",
            _context(grant, page, core=core, org=org, team=""),
        )

    @router.get("/dashboard/teams/{channel_id}", response_class=HTMLResponse)
    async def team(
        request: Request, channel_id: str, period: str = "week", domain: str = ""
    ) -> Response:
        grant = gate.browser(request)
        org, page = await team_page(core, grant, channel_id, Filters.parse(core, period, domain))
        return render(
            request,
            "dashboard/team.html",
            _context(grant, page, core=core, org=org, team=channel_id, channel_id=channel_id),
        )

    @router.get("/dashboard/export/{name}.csv")
    async def export(
        request: Request, name: str, team: str = "", period: str = "week", domain: str = ""
    ) -> Response:
        grant = gate.browser(request)
        filters = Filters.parse(core, period, domain)
        _, page = await (
            team_page(core, grant, team, filters) if team else org_page(core, grant, filters)
        )
        table = page.tables.get(name)
        if table is None:
            raise AccessDenied(f"There is no table called {name!r} on this page.", status=404)
        filename = f"{name}-{team or 'organisation'}-{filters.period.value}.csv"
        return Response(
            to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_safe_name(filename)}"'},
        )

    return router


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120]


def _context(grant: Grant, page: Page, **extra: Any) -> dict[str, Any]:
    team = str(extra.get("team", ""))

    def export(name: str) -> str:
        params = {"period": page.filters.period.value, "domain": page.filters.domain_id or ""}
        if team:
            params["team"] = team
        return f"/dashboard/export/{name}.csv?{urlencode(params)}"

    return {"grant": grant, "page": page, "export": export, **extra}
