"""Admin pages: create, edit and pause a team's schedule with the core's validation; the
content pack's statistics and lint results."""

from __future__ import annotations

from datetime import time

import httpx

from bot.domain.schedule_form import FieldKind, schedule_form
from bot.service.context import Core
from bot.service.schedules import get_schedule
from tests.web.dashboard_support import ALPHA, BETA, seed, sign_in

FORM = {"days": "mon,wed", "time": "08:30", "timezone": "Europe/Berlin", "window": "2h"}


async def test_admin_creates_edits_and_pauses_a_schedule(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    listing = (await web.get("/admin/schedules")).text
    assert "Alpha One" in listing
    assert "No schedule" in listing
    created = await web.post("/admin/teams/C-alpha-1/schedule", data={"csrf": csrf, **FORM})
    assert created.status_code == 303
    page = (await web.get(created.headers["location"])).text
    assert "The schedule is saved." in page
    assert 'value="mon,wed"' in page
    assert 'value="Europe/Berlin"' in page
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert (stored.days, stored.local_time, stored.active) == (frozenset({0, 2}), time(8, 30), True)

    edited = await web.post(
        "/admin/teams/C-alpha-1/schedule",
        data={"csrf": csrf, **FORM, "time": "17:00", "focus_domain": "D2", "digest": "off"},
    )
    assert edited.status_code == 303
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert (stored.local_time, stored.focus_domain, stored.digest_weekday) == (
        time(17, 0), "D2", None,
    )  # fmt: skip

    paused = await web.post(
        "/admin/teams/C-alpha-1/schedule/active", data={"csrf": csrf, "active": "off"}
    )
    assert paused.status_code == 303
    assert "paused" in (await web.get(paused.headers["location"])).text
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert not stored.active
    # editing a paused schedule keeps it paused
    await web.post("/admin/teams/C-alpha-1/schedule", data={"csrf": csrf, **FORM})
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert not stored.active
    await web.post("/admin/teams/C-alpha-1/schedule/active", data={"csrf": csrf, "active": "on"})
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert stored.active
    assert await get_schedule(core, BETA) is None


async def test_invalid_fields_show_the_cores_messages_and_store_nothing(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    bad = {"csrf": csrf, "days": "funday", "time": "25:00", "timezone": "Berlin",
           "window": "2h", "closes_at": "10:00", "focus_domain": "D9"}  # fmt: skip
    response = await web.post("/admin/teams/C-alpha-1/schedule", data=bad)
    assert response.status_code == 400
    html = response.text
    assert "The schedule was not saved" in html
    assert "Days: unknown day &#39;funday&#39;" in html
    assert "is not a time of day" in html
    assert "did you mean Europe/Berlin?" in html
    assert "give either a window or a closing time, not both" in html
    assert "unknown domain &#39;D9&#39;" in html
    assert 'value="funday"' in html  # what was typed stays in the form
    assert await get_schedule(core, ALPHA) is None


async def test_pausing_without_a_schedule_says_so(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    response = await web.post(
        "/admin/teams/C-alpha-1/schedule/active", data={"csrf": csrf, "active": "off"}
    )
    assert response.status_code == 400
    assert "no schedule yet" in response.text


async def test_another_organisations_team_cannot_be_scheduled(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin", workspace="T-BETA")
    # C-alpha-2 exists only in T-ALPHA
    response = await web.post("/admin/teams/C-alpha-2/schedule", data={"csrf": csrf, **FORM})
    assert response.status_code == 404
    assert await get_schedule(core, ALPHA) is None


async def test_content_page_shows_stats_and_lint(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    await sign_in(web, core, role="admin")
    html = (await web.get("/admin/content")).text
    assert "MINI-1" in html
    assert "<td>D1 Pipelines</td><td>4</td><td>66.7 %</td>" in html
    assert "0 error(s), 21 warning(s)." in html
    assert "look alike" in html
    await sign_in(web, core, role="manager")
    assert (await web.get("/admin/content")).status_code == 403


async def test_admin_appoints_and_removes_study_admins(core: Core, web: httpx.AsyncClient) -> None:
    from bot.service.admins import is_study_admin

    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    page = await web.get("/admin/teams/C-alpha-1/admins")
    assert page.status_code == 200
    assert "no study admins yet" in page.text
    added = await web.post(
        "/admin/teams/C-alpha-1/admins",
        data={"csrf": csrf, "action": "add", "user": "U-new", "name": "Nia"},
    )
    assert added.status_code == 303
    listing = (await web.get(added.headers["location"])).text
    assert "U-new is now a study admin." in listing
    assert "Nia" in listing
    assert await is_study_admin(core, ALPHA, "U-new")
    assert not await is_study_admin(core, BETA, "U-new")
    bad = await web.post("/admin/teams/C-alpha-1/admins", data={"csrf": csrf, "action": "add"})
    assert bad.status_code == 400
    assert "Give the member&#39;s id" in bad.text or "Give the member's id" in bad.text
    removed = await web.post(
        "/admin/teams/C-alpha-1/admins", data={"csrf": csrf, "action": "remove", "user": "U-new"}
    )
    assert removed.status_code == 303
    assert not await is_study_admin(core, ALPHA, "U-new")
    forged = await web.post(
        "/admin/teams/C-alpha-1/admins", data={"csrf": "wrong", "action": "add", "user": "U-x"}
    )
    assert forged.status_code in (400, 403)
    assert not await is_study_admin(core, ALPHA, "U-x")


async def test_managers_and_other_orgs_cannot_change_study_admins(
    core: Core, web: httpx.AsyncClient
) -> None:
    from bot.service.admins import is_study_admin

    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="manager")
    refused = await web.post(
        "/admin/teams/C-alpha-1/admins", data={"csrf": csrf, "action": "add", "user": "U-m"}
    )
    assert refused.status_code == 403
    assert (await web.get("/admin/teams/C-alpha-1/admins")).status_code == 403
    csrf = await sign_in(web, core, role="admin", workspace="T-BETA")
    other = await web.post(
        "/admin/teams/C-alpha-2/admins", data={"csrf": csrf, "action": "add", "user": "U-b"}
    )
    assert other.status_code == 404
    assert not await is_study_admin(core, ALPHA, "U-m")


async def test_a_bare_window_number_and_a_zone_typo_are_explained(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    bad = {"csrf": csrf, **FORM, "window": "8", "timezone": "Europe/Berln", "days": "monkey"}
    response = await web.post("/admin/teams/C-alpha-1/schedule", data=bad)
    assert response.status_code == 400
    html = response.text
    assert "&#39;8&#39; has no unit; write 8m for 8 minutes or 8h for 8 hours" in html
    assert "(did you mean Europe/Berlin?)" in html
    assert "unknown day &#39;monkey&#39;" in html
    assert await get_schedule(core, ALPHA) is None


async def test_the_schedule_page_shows_the_shared_form_fields(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    await sign_in(web, core, role="admin")
    html = (await web.get("/admin/teams/C-alpha-1/schedule")).text
    form = schedule_form(None, core.pack.domains, "UTC")
    for field in form.fields:
        if field.kind is FieldKind.SWITCH:  # the page's Pause and Resume button
            assert f'id="f-{field.name}"' not in html
        else:
            assert f'<label for="f-{field.name}">{field.label}' in html
    assert 'value="mon,tue,wed,thu,fri"' in html  # a new schedule's days
    assert '<option value="all" selected>All domains (weighted by the exam)</option>' in html
    assert '<option value="mon" selected>Monday</option>' in html  # the digest
