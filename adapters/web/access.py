"""Who may see what: signed dashboard links, the session cookie, CSRF tokens and bearer tokens."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from fastapi import Request, Response

from adapters.web.dashboard_settings import MAX_LINK_HOURS, DashboardSettings
from adapters.web.signing import BadToken, sign, verify
from bot.errors import SettingsError
from bot.service import policy
from bot.service.commands import Actor

COOKIE = "studybot_session"
LINK = "link"
SESSION = "session"
ENTER_PATH = "/dashboard/enter"
PLATFORMS = ("slack", "teams", "web")


class Role(StrEnum):
    MANAGER = "manager"  # reads the dashboard of one organisation
    ADMIN = "admin"  # also runs its schedules and sees the content pages


class AccessDenied(Exception):
    """No valid session or token, or a role that may not do this; `status` is 401 or 403."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Grant:
    """What a link, a session or a bearer token allows: one organisation, one role, until when."""

    platform: str
    workspace: str
    role: Role
    expires: int  # Unix seconds
    csrf: str = ""  # set for browser sessions only

    @property
    def actor(self) -> Actor:
        """The holder as the core's policy sees them: an organisation and a role."""
        return Actor(self.platform, self.workspace, dashboard_role=self.role.value)

    @property
    def is_admin(self) -> bool:
        """Whether the pages show the admin links (the policy decides what each route allows)."""
        return policy.decide(self.actor, policy.Action.SAVE_SCHEDULE).allowed


def make_token(
    settings: DashboardSettings,
    *,
    platform: str,
    workspace: str,
    role: str,
    hours: float,
    now: datetime,
) -> str:
    """A signed link token (also usable as an API bearer token); checks every argument."""
    if platform not in PLATFORMS:
        raise ValueError(f"--platform must be one of {', '.join(PLATFORMS)}")
    if not workspace.strip() or len(workspace) > 64:
        raise ValueError("--workspace must be the workspace or tenant id (1-64 characters)")
    if role not in Role._value2member_map_:
        raise ValueError("--role must be manager or admin")
    if not 0 < hours <= MAX_LINK_HOURS:
        raise ValueError(f"--hours must be more than 0 and at most {MAX_LINK_HOURS}")
    expires = int((now + timedelta(hours=hours)).timestamp())
    return sign(
        settings.key, LINK, {"p": platform, "w": workspace.strip(), "r": role, "exp": expires}
    )


def dashboard_link(
    settings: DashboardSettings,
    *,
    platform: str,
    workspace: str,
    role: str,
    hours: float = 24,
    now: datetime,
) -> str:
    """The address a manager or admin opens: `studybot dashboard-link` prints it."""
    token = make_token(
        settings, platform=platform, workspace=workspace, role=role, hours=hours, now=now
    )
    return f"{settings.public_url}{ENTER_PATH}?token={token}"


def _grant(payload: dict[str, Any], csrf: str = "") -> Grant:
    try:
        return Grant(
            str(payload["p"]), str(payload["w"]), Role(payload["r"]), int(payload["exp"]), csrf
        )
    except (KeyError, ValueError):
        raise BadToken("The link is incomplete or malformed.") from None


def grant_from_link(settings: DashboardSettings, token: str, now: datetime) -> Grant:
    return _grant(verify(settings.key, LINK, token, now.timestamp()))


def start_session(settings: DashboardSettings, grant: Grant, response: Response) -> Grant:
    """Set the session cookie (HttpOnly, SameSite=Lax, Secure on https) with a fresh CSRF token;
    it expires with the link."""
    session = Grant(grant.platform, grant.workspace, grant.role, grant.expires, _new_csrf())
    value = sign(
        settings.key,
        SESSION,
        {
            "p": session.platform,
            "w": session.workspace,
            "r": session.role.value,
            "exp": session.expires,
            "c": session.csrf,
        },
    )
    response.set_cookie(
        COOKIE,
        value,
        expires=session.expires,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return session


def end_session(settings: DashboardSettings, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )


def _new_csrf() -> str:
    return secrets.token_urlsafe(24)


def session_grant(settings: DashboardSettings, request: Request, now: datetime) -> Grant:
    """The browser session, or AccessDenied(401) explaining why there is none."""
    value = request.cookies.get(COOKIE)
    if not value:
        raise AccessDenied(
            "You are not signed in. Open the dashboard link you were sent, or ask for a new one "
            "(/studybot dashboard in Slack, or dashboard in your private chat with studybot in "
            "Teams).",
            status=401,
        )
    try:
        payload = verify(settings.key, SESSION, value, now.timestamp())
        csrf = payload.get("c")
        if not isinstance(csrf, str) or not csrf:
            raise BadToken("The session is malformed.")
        return _grant(payload, csrf)
    except BadToken as exc:
        raise AccessDenied(f"Your session is not valid: {exc}", status=401) from None


def bearer_grant(settings: DashboardSettings, request: Request, now: datetime) -> Grant | None:
    """The grant of an `Authorization: Bearer <link token>` header, None without the header."""
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AccessDenied("Use an Authorization: Bearer <token> header.", status=401)
    try:
        return grant_from_link(settings, token.strip(), now)
    except BadToken as exc:
        raise AccessDenied(str(exc), status=401) from None


def check_csrf(grant: Grant, token: str | None) -> None:
    """Every form and cookie-authenticated API change carries the session's CSRF token."""
    if not grant.csrf or not token or not hmac.compare_digest(grant.csrf, token):
        raise AccessDenied(
            "This form is out of date or was sent from another site. Reload the page and try again."
        )


def link_from_env(
    env: Mapping[str, str], *, platform: str, workspace: str, role: str, hours: float,
    now: datetime,
) -> str:  # fmt: skip
    """What `studybot dashboard-link` prints; SettingsError when no key is configured."""
    settings = DashboardSettings.from_env(env)
    if settings is None:
        raise SettingsError(
            "STUDYBOT_WEB_SECRET is not set: the dashboard is off, so no link can be made"
        )
    return dashboard_link(
        settings, platform=platform, workspace=workspace, role=role, hours=hours, now=now
    )
