"""Wires the dashboard, admin pages and JSON API into the service's FastAPI app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from adapters.web.access import AccessDenied, Grant
from adapters.web.admin import admin_router
from adapters.web.api import api_error, api_router
from adapters.web.audit_pages import audit_router
from adapters.web.dashboard import dashboard_router, refusal, render
from adapters.web.dashboard_settings import DashboardSettings
from adapters.web.gate import Gate
from adapters.web.study_admins import study_admins_router
from bot.errors import NotAllowedError, NotFoundError, StudybotError
from bot.service.context import Core

ADMIN_ONLY = "Only an admin of this organisation can do that."
PREFIXES = ("/dashboard", "/admin", "/api/")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def mount_dashboard(
    app: FastAPI, core: Core, settings: DashboardSettings, content_dir: Path | None = None
) -> None:
    """Add /dashboard, /admin and /api/v1 to the app; `content_dir` enables the lint page."""
    gate = Gate(core, settings)
    app.state.dashboard_gate = gate
    app.include_router(dashboard_router(gate))
    app.include_router(admin_router(gate, content_dir))
    app.include_router(study_admins_router(gate))
    app.include_router(api_router(gate))
    app.include_router(audit_router(gate))

    def session_of(request: Request) -> Grant | None:
        try:
            return gate.browser(request)
        except AccessDenied:
            return None

    async def denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AccessDenied)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=exc.status)
        if exc.status == 404:
            return render(request, "dashboard/refused.html",
                          {"message": str(exc), "grant": session_of(request)}, 404)  # fmt: skip
        return refusal(request, str(exc), session_of(request))

    async def not_allowed(request: Request, exc: Exception) -> Response:
        """The core's policy refused the grant's role: a 403, in the dashboard's own words."""
        return await denied(request, AccessDenied(ADMIN_ONLY))

    async def core_error(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if path.startswith("/api/"):
            return await api_error(request, exc)
        if path.startswith(("/dashboard", "/admin")):
            status = 404 if isinstance(exc, NotFoundError) else 400
            return render(
                request,
                "dashboard/refused.html",
                {"message": str(exc), "grant": session_of(request), "title": "Not found"},
                status,
            )
        raise exc

    app.add_exception_handler(AccessDenied, denied)
    app.add_exception_handler(NotAllowedError, not_allowed)
    app.add_exception_handler(StudybotError, core_error)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path.startswith(PREFIXES):
            response.headers.update(HEADERS)
        return response
