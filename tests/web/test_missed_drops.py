"""Skipped and failed occurrences, with their reason, on `schedule list`, the admin schedule page
and the API — only to the schedule's own organisation."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import update

from bot import cli_schedule
from bot.drop_life.start_close import start_drop
from bot.service.commands import SaveSchedule, StartDrop
from bot.service.context import Core
from bot.service.schedules import channel_schedules, save_schedule
from bot.storage.tables import drops, skipped_occurrences
from tests.support.actors import OPERATOR
from tests.web.dashboard_support import ALPHA, BETA, seed, sign_in, token

SCHEDULE = {"days": "daily", "time": "09:00", "timezone": "UTC", "window": "8h"}
SKIPPED = "missed by more than the grace period; not posted late"
FAILED = "gave up after 9 attempts, too late to post: Slack answered 503"


async def with_misses(core: Core) -> None:
    await seed(core, drops=0)
    await save_schedule(core, SaveSchedule(ALPHA, SCHEDULE, actor=OPERATOR))
    await save_schedule(core, SaveSchedule(BETA, SCHEDULE, actor=OPERATOR))
    (alpha,) = await channel_schedules(core, ALPHA)
    card = await start_drop(core, StartDrop(ALPHA, deliver_later=True))
    async with core.db.write() as conn:
        await conn.execute(
            skipped_occurrences.insert().values(
                occurrence_key=f"schedule-{alpha.id}:2026-03-02",
                schedule_id=alpha.id,
                local_date=datetime(2026, 3, 2).date(),
                due_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
                recorded_at=datetime(2026, 3, 2, 11, 5, tzinfo=UTC),
                reason=SKIPPED,
            )
        )
        await conn.execute(
            update(drops)
            .where(drops.c.id == card.drop_id)
            .values(status="failed", last_error=FAILED, schedule_id=alpha.id)
        )


async def test_schedule_list_shows_skipped_and_failed_occurrences(
    core: Core, capsys: pytest.CaptureFixture[str]
) -> None:
    await with_misses(core)
    await cli_schedule._list(core, argparse.Namespace(channel="slack:T-ALPHA:C-alpha-1"))
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" (")[0].strip() for line in lines if SKIPPED in line] == ["skipped"]
    assert [line.split(" (")[0].strip() for line in lines if FAILED in line] == ["failed"]


async def test_the_admin_page_and_the_api_show_them_to_their_organisation_only(
    core: Core, web: httpx.AsyncClient
) -> None:
    await with_misses(core)
    await sign_in(web, core, role="admin")
    page = (await web.get("/admin/schedules")).text
    assert f"skipped 2026-03-02 09:00 UTC: {SKIPPED}" in page
    assert FAILED in page
    auth = {"Authorization": f"Bearer {token('manager', 'T-ALPHA', now=core.clock.now())}"}
    (listed,) = [
        s
        for s in (await web.get("/api/v1/schedules", headers=auth)).json()
        if s["channel_id"] == ALPHA.channel_id
    ]
    assert [(m["status"], m["reason"]) for m in listed["missed"]] == [
        ("failed", FAILED),
        ("skipped", SKIPPED),
    ]
    other = {"Authorization": f"Bearer {token('manager', 'T-BETA', now=core.clock.now())}"}
    (beta,) = (await web.get("/api/v1/schedules", headers=other)).json()
    assert beta["missed"] == []


async def test_the_channels_schedule_page_says_why_each_failed_and_what_to_do(
    core: Core, web: httpx.AsyncClient
) -> None:
    await with_misses(core)
    await sign_in(web, core, role="admin")
    page = (await web.get(f"/admin/teams/{ALPHA.channel_id}/schedule")).text
    assert "Questions that did not reach the channel" in page
    assert FAILED in page
    assert SKIPPED in page
    assert "What to do: The platform kept refusing or could not be reached" in page
    assert "What to do: Nothing to do here: studybot was not running" in page
    listing = (await web.get("/admin/schedules")).text
    assert "What to do: The platform kept refusing" in listing
    await sign_in(web, core, role="admin", workspace="T-BETA")  # the same channel id there
    other = await web.get(f"/admin/teams/{BETA.channel_id}/schedule")
    assert other.status_code == 200
    assert FAILED not in other.text
    assert "Questions that did not reach" not in other.text


def test_what_to_do_fits_the_reason_and_the_platform() -> None:
    from bot.domain.delivery_advice import what_to_do

    assert what_to_do("studybot is not installed in Slack workspace T1", "slack").startswith(
        "Reinstall studybot in the workspace"
    )
    assert what_to_do("Teams refused to post: HTTP 401", "teams").startswith(
        "Add the studybot app to the team again"
    )
    assert "not archived" in what_to_do("Slack refused to post: HTTP 200, is_archived", "slack")
    assert "still in the team" in what_to_do("Teams refused to post: HTTP 404", "teams")
