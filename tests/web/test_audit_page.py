"""/admin/audit and /admin/audit.csv: admins see their own organisation's trail, newest first,
and no one else's; managers and strangers are refused; a change made on the admin pages is
recorded as the web door's."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from bot.service.commands import RegisterTeam, SaveSchedule
from bot.service.context import Core
from bot.service.directory import register_team
from bot.service.schedules import save_schedule, set_schedule_active
from tests.support.actors import OPERATOR
from tests.web.dashboard_support import ALPHA, BETA, SECRET_NAME, sign_in

SCHEDULE = {"days": "weekdays", "time": "09:00", "timezone": "UTC", "window": "8h"}


async def two_organisations(core: Core) -> None:
    await register_team(core, RegisterTeam(ALPHA, "Alpha Corp", "Alpha One"))
    await register_team(core, RegisterTeam(BETA, "Beta Inc", SECRET_NAME))
    for channel in (ALPHA, BETA):
        await save_schedule(core, SaveSchedule(channel, SCHEDULE, actor=OPERATOR))
    await set_schedule_active(core, BETA, False, actor=OPERATOR)


async def test_admins_see_their_own_trail_only(core: Core, web: httpx.AsyncClient) -> None:
    await two_organisations(core)
    await sign_in(web, core, role="admin")
    page = await web.get("/admin/audit")
    assert page.status_code == 200
    assert "schedule created" in page.text
    assert "Alpha One" in page.text
    assert SECRET_NAME not in page.text
    assert "schedule paused" not in page.text  # Beta's pause

    download = await web.get("/admin/audit.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][:5] == ["When (UTC)", "Door", "Who", "Member id", "What"]
    assert [r[4] for r in rows[1:]] == ["schedule created"]
    assert SECRET_NAME not in download.text


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/audit.csv"])
async def test_managers_and_strangers_are_refused(
    core: Core, web: httpx.AsyncClient, path: str
) -> None:
    await two_organisations(core)
    assert (await web.get(path)).status_code in (401, 403)  # no session
    await sign_in(web, core, role="manager")
    refused = await web.get(path)
    assert refused.status_code == 403
    assert "schedule created" not in refused.text


async def test_a_change_on_the_admin_pages_is_the_web_doors(
    core: Core, web: httpx.AsyncClient
) -> None:
    await register_team(core, RegisterTeam(ALPHA, "Alpha Corp", "Alpha One"))
    csrf = await sign_in(web, core, role="admin")
    saved = await web.post(
        f"/admin/teams/{ALPHA.channel_id}/schedule", data={"csrf": csrf, **SCHEDULE}
    )
    assert saved.status_code == 303
    rows = list(csv.reader(io.StringIO((await web.get("/admin/audit.csv")).text)))
    assert [(r[1], r[4]) for r in rows[1:]] == [("web", "schedule created")]
