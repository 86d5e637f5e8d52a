"""Signed links, the session cookie, CSRF, roles and organisation scoping of the dashboard."""

from __future__ import annotations

import httpx
import pytest

from adapters.web.access import dashboard_link, grant_from_link, link_from_env
from adapters.web.dashboard_settings import DashboardSettings
from adapters.web.signing import BadToken
from bot.errors import SettingsError
from bot.service.context import Core
from bot.service.schedules import get_schedule
from bot.settings import SettingsErrors
from tests.fakes import FakeClock
from tests.web.dashboard_support import (
    ALPHA,
    OTHER_KEY,
    SECRET_NAME,
    SETTINGS,
    seed,
    sign_in,
    token,
)

GOOD_SCHEDULE = {"days": "weekdays", "time": "09:00", "timezone": "UTC", "window": "8h"}


def test_settings_need_a_long_secret_and_a_public_address() -> None:
    assert DashboardSettings.from_env({}) is None
    with pytest.raises(SettingsError, match="STUDYBOT_WEB_SECRET"):
        DashboardSettings.from_env({"STUDYBOT_WEB_SECRET": "short"})
    with pytest.raises(SettingsError, match="STUDYBOT_PUBLIC_URL"):
        DashboardSettings.from_env({"STUDYBOT_WEB_SECRET": "s" * 32, "STUDYBOT_PUBLIC_URL": "x"})
    made = DashboardSettings.from_env(
        {"STUDYBOT_WEB_SECRET": "s" * 32, "STUDYBOT_PUBLIC_URL": "https://bot.example.com/"}
    )
    assert made is not None
    assert made.public_url == "https://bot.example.com"
    assert made.secure_cookies
    assert "s" * 32 not in repr(made)


def test_a_short_secret_and_a_bad_address_are_named_together() -> None:
    with pytest.raises(SettingsErrors) as raised:
        DashboardSettings.from_env({"STUDYBOT_WEB_SECRET": "short", "STUDYBOT_PUBLIC_URL": "x"})
    named = sorted(p.split()[0] for p in raised.value.problems)
    assert named == ["STUDYBOT_PUBLIC_URL", "STUDYBOT_WEB_SECRET"]
    assert str(raised.value).startswith("2 settings need fixing:")


def test_link_arguments_are_checked(clock: FakeClock) -> None:
    now = clock.now()
    link = dashboard_link(
        SETTINGS, platform="teams", workspace="tenant-1", role="admin", hours=24, now=now
    )
    assert link.startswith("http://test/dashboard/enter?token=")
    grant = grant_from_link(SETTINGS, link.split("token=")[1], now)
    assert (grant.platform, grant.workspace, grant.role.value) == ("teams", "tenant-1", "admin")
    assert grant.expires == int(now.timestamp()) + 24 * 3600
    bad: list[tuple[dict[str, object], str]] = [
        ({"role": "owner"}, "--role"),
        ({"platform": "irc"}, "--platform"),
        ({"workspace": " "}, "--workspace"),
        ({"hours": 0}, "--hours"),
        ({"hours": 10_000}, "--hours"),
    ]
    for change, message in bad:
        args: dict[str, object] = {
            "platform": "slack", "workspace": "T1", "role": "manager", "hours": 1, **change
        }  # fmt: skip
        with pytest.raises(ValueError, match=message):
            dashboard_link(SETTINGS, now=now, **args)  # type: ignore[arg-type]
    clock.advance(hours=25)
    with pytest.raises(BadToken, match="expired"):
        grant_from_link(SETTINGS, link.split("token=")[1], clock.now())


def test_the_cli_link_needs_the_key_from_the_environment(clock: FakeClock) -> None:
    args = {"platform": "slack", "workspace": "T1", "role": "admin", "hours": 24.0}
    with pytest.raises(SettingsError, match="STUDYBOT_WEB_SECRET is not set"):
        link_from_env({}, now=clock.now(), **args)  # type: ignore[arg-type]
    env = {"STUDYBOT_WEB_SECRET": "q" * 32, "STUDYBOT_PUBLIC_URL": "https://bot.example.com"}
    link = link_from_env(env, now=clock.now(), **args)  # type: ignore[arg-type]
    assert link.startswith("https://bot.example.com/dashboard/enter?token=")
    settings = DashboardSettings.from_env(env)
    assert settings is not None
    grant = grant_from_link(settings, link.split("token=")[1], clock.now())
    assert grant.is_admin
    with pytest.raises(BadToken, match="signature"):
        grant_from_link(SETTINGS, link.split("token=")[1], clock.now())


async def test_opening_a_link_starts_a_locked_down_session(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    response = await web.get(f"/dashboard/enter?token={token(now=core.clock.now())}")
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    cookie = response.headers["set-cookie"].lower()
    assert "studybot_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert "secure" not in cookie  # http public address; https ones set Secure (settings test)
    page = await web.get("/dashboard")
    assert page.status_code == 200
    assert "Alpha One" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("kind", ["expired", "tampered", "other key", "garbage", "empty"])
async def test_bad_links_get_a_refusal_page_and_no_data(
    core: Core, web: httpx.AsyncClient, kind: str
) -> None:
    await seed(core, drops=1)
    now = core.clock.now()
    good = token(now=now, hours=1)
    body, _, mac = good.partition(".")
    links = {
        "expired": token(now=now, hours=1),
        "tampered": token(workspace="T-BETA", now=now)[: len(body)] + "." + mac,
        "other key": token(now=now, settings=OTHER_KEY),
        "garbage": "not.a-token!",
        "empty": "",
    }
    if kind == "expired":
        core.clock.advance(hours=2)  # type: ignore[attr-defined]
    response = await web.get("/dashboard/enter", params={"token": links[kind]})
    assert response.status_code == 403
    assert "Access refused" in response.text
    assert "set-cookie" not in response.headers
    assert "Alpha One" not in response.text
    assert SECRET_NAME not in response.text
    if kind == "expired":
        assert "expired" in response.text
    follow = await web.get("/dashboard")
    assert follow.status_code == 403
    assert "not signed in" in follow.text


async def test_a_session_expires_with_its_link(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    await sign_in(web, core)  # a 2-hour link
    core.clock.advance(hours=3)  # type: ignore[attr-defined]
    response = await web.get("/dashboard")
    assert response.status_code == 403
    assert "expired" in response.text
    assert "Alpha One" not in response.text


async def test_cookie_and_link_tokens_are_not_interchangeable(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    link_token = token(now=core.clock.now())
    web.cookies.set("studybot_session", link_token)
    assert (await web.get("/dashboard")).status_code == 403
    web.cookies.clear()
    await sign_in(web, core)
    session_value = web.cookies["studybot_session"]
    web.cookies.clear()
    api = await web.get("/api/v1/teams", headers={"Authorization": f"Bearer {session_value}"})
    assert api.status_code == 401


async def test_a_manager_never_sees_another_organisation(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=2)
    await sign_in(web, core, workspace="T-ALPHA")
    pages = [
        "/dashboard",
        "/dashboard?period=all",
        "/dashboard/teams/C-alpha-1?period=all",
        "/dashboard/export/teams.csv?period=all",
        "/dashboard/export/inactive.csv?period=all",
        "/dashboard/export/leaderboard.csv?team=C-alpha-1&period=all",
    ]
    for path in pages:
        response = await web.get(path)
        assert response.status_code == 200, path
        assert SECRET_NAME not in response.text, path
        assert "Beta Spy" not in response.text, path
    # C-alpha-1 exists in both workspaces: the session's workspace decides which one is shown
    team = await web.get("/dashboard/teams/C-alpha-1?period=all")
    assert "Ada" in team.text
    missing = await web.get("/dashboard/teams/C-unknown")
    assert missing.status_code == 404
    assert SECRET_NAME not in missing.text


async def test_a_manager_cannot_change_schedules(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="manager")
    page = await web.get("/admin/teams/C-alpha-1/schedule")
    assert page.status_code == 403
    assert "Only an admin" in page.text
    posted = await web.post("/admin/teams/C-alpha-1/schedule", data={"csrf": csrf, **GOOD_SCHEDULE})
    assert posted.status_code == 403
    assert await get_schedule(core, ALPHA) is None
    assert "/admin/schedules" not in (await web.get("/dashboard")).text


async def test_forms_without_the_sessions_csrf_token_are_refused(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    for sent in ({}, {"csrf": "forged"}, {"csrf": csrf[:-1]}):
        response = await web.post("/admin/teams/C-alpha-1/schedule", data={**sent, **GOOD_SCHEDULE})
        assert response.status_code == 403
        assert "another site" in response.text
    assert await get_schedule(core, ALPHA) is None
    saved = await web.post("/admin/teams/C-alpha-1/schedule", data={"csrf": csrf, **GOOD_SCHEDULE})
    assert saved.status_code == 303
    assert await get_schedule(core, ALPHA) is not None


async def test_sign_out_ends_the_session(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core)
    assert (await web.post("/dashboard/logout", data={"csrf": "nope"})).status_code == 403
    out = await web.post("/dashboard/logout", data={"csrf": csrf})
    assert out.status_code == 200
    assert "signed out" in out.text
    assert (await web.get("/dashboard")).status_code == 403
