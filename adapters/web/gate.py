"""The checks every dashboard, admin and API route runs: who is asking, and for what."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from adapters.web.access import AccessDenied, Grant, bearer_grant, check_csrf, session_grant
from adapters.web.dashboard_settings import DashboardSettings
from bot.service import policy
from bot.service.context import Core

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Gate:
    core: Core
    settings: DashboardSettings

    async def require(self, grant: Grant, action: policy.Action) -> None:
        """The core's policy on what the grant's role may do (NotAllowedError: a 403)."""
        org = (grant.platform, grant.workspace)
        await policy.authorize(self.core, grant.actor, action, org=org)

    def browser(self, request: Request) -> Grant:
        """The session of a page request (AccessDenied without one)."""
        return session_grant(self.settings, request, self.core.clock.now())

    async def form(self, request: Request) -> tuple[Grant, dict[str, str]]:
        """The session of a form post, after its CSRF token is checked; the form's fields."""
        grant = self.browser(request)
        form = await request.form()
        token = form.get("csrf")
        check_csrf(grant, token if isinstance(token, str) else None)
        return grant, {k: v for k, v in form.items() if isinstance(v, str)}

    def api(self, request: Request) -> Grant:
        """A bearer token, else the browser session (whose changes need the X-CSRF-Token header)."""
        now = self.core.clock.now()
        grant = bearer_grant(self.settings, request, now)
        if grant is not None:
            return grant
        if not request.cookies:
            raise AccessDenied(
                "Send Authorization: Bearer <token> (the token of a dashboard link).", status=401
            )
        grant = session_grant(self.settings, request, now)
        if request.method in UNSAFE:
            check_csrf(grant, request.headers.get("x-csrf-token"))
        return grant
