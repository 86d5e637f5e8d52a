"""The audit trail: each administrative change leaves exactly one entry (who, when, where from,
before and after), a refused or empty change none, entries age out, and one organisation never
sees another's."""

from __future__ import annotations

import pytest

from bot.drop_life.start_close import close_drop, start_drop
from bot.errors import NotAllowedError
from bot.service.admins import set_study_admin
from bot.service.audit import AuditEntry, list_audit, purge_audit
from bot.service.commands import Actor, CloseDrop, SaveSchedule, StartDrop
from bot.service.context import Core
from bot.service.dashboard_links import issue_dashboard_link
from bot.service.lifecycle import deactivate_organisation, record_installation
from bot.service.schedules import remove_schedule, save_schedule, set_schedule_active
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock
from tests.support.actors import OPERATOR

SCHEDULE = {"days": "weekdays", "time": "09:00", "timezone": "Europe/Berlin", "window": "8h"}
MEMBER = Actor("fake", "org-1", "U-nobody")  # no facts: may not change anything


async def trail(core: Core, org: str = "org-1") -> list[AuditEntry]:
    return list(reversed(await list_audit(core, "fake", org)))  # oldest first


async def test_each_change_leaves_exactly_one_entry(core: Core, clock: FakeClock) -> None:
    await register(core)
    await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=OPERATOR))
    await save_schedule(core, SaveSchedule(CHANNEL, {**SCHEDULE, "time": "10:30"}, actor=OPERATOR))
    await set_schedule_active(core, CHANNEL, False, actor=OPERATOR)
    await set_schedule_active(core, CHANNEL, True, actor=OPERATOR)
    await set_study_admin(core, CHANNEL, "U-ada", "Ada", True, actor=OPERATOR)
    await set_study_admin(core, CHANNEL, "U-ada", "Ada", True, actor=OPERATOR)  # no change
    await set_study_admin(core, CHANNEL, "U-ada", "Ada", False, actor=OPERATOR)
    card = await start_drop(core, StartDrop(CHANNEL, actor=OPERATOR))
    await start_drop(core, StartDrop(CHANNEL))  # the engine's own drop: not an admin change
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL, actor=OPERATOR))
    await close_drop(core, CloseDrop(card.drop_id, CHANNEL, actor=OPERATOR))  # already closed
    await remove_schedule(core, CHANNEL, actor=OPERATOR)

    entries = await trail(core)
    assert [e.action for e in entries] == [
        "schedule created",
        "schedule edited",
        "schedule paused",
        "schedule resumed",
        "study admin added",
        "study admin removed",
        "drop posted by hand",
        "drop closed by hand",
        "schedule removed",
    ]
    created, edited = entries[0], entries[1]
    assert created.before is None
    assert created.after is not None
    assert created.after["time"] == "09:00"
    assert edited.before is not None
    assert edited.after is not None
    assert (edited.before["time"], edited.after["time"]) == ("09:00", "10:30")
    assert {e.door for e in entries} == {"cli"}
    assert {e.actor_id for e in entries} == {"operator"}
    assert all(e.at == clock.now() for e in entries)
    assert entries[4].target == "Ada in Team chan-1"
    assert entries[-1].before is not None
    assert entries[-1].after is None


async def test_a_refused_change_leaves_no_entry(core: Core) -> None:
    await register(core)
    with pytest.raises(NotAllowedError):
        await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=MEMBER))
    with pytest.raises(NotAllowedError):
        await set_study_admin(core, CHANNEL, "U-nobody", "Nobody", True, actor=MEMBER)
    with pytest.raises(NotAllowedError):
        await start_drop(core, StartDrop(CHANNEL, actor=MEMBER))
    assert await trail(core) == []


async def test_the_person_is_named_as_the_members_table_knows_them(core: Core) -> None:
    await register(core)
    await set_study_admin(core, CHANNEL, "U-ada", "Ada Lovelace", True, actor=OPERATOR)
    web_admin = Actor("fake", "org-1", "U-ada", dashboard_role="admin")
    await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=web_admin))
    last = (await trail(core))[-1]
    assert (last.action, last.door, last.actor_id, last.actor_name) == (
        "schedule created", "web", "U-ada", "Ada Lovelace",
    )  # fmt: skip


async def test_installs_removals_and_links_are_recorded_once(core: Core) -> None:
    core.dashboard_links = lambda *, platform, workspace, role: f"https://x/{role}"
    await record_installation(core, "fake", "org-1", "Org org-1", "U-installer")
    await record_installation(core, "fake", "org-1", "Org org-1", "U-installer")  # reported twice
    await register(core)
    link = await issue_dashboard_link(core, Actor("fake", "org-1", "U-x", operator=True))
    assert link.url == "https://x/admin"
    assert await deactivate_organisation(core, "fake", "org-1")
    assert await deactivate_organisation(core, "fake", "org-1")  # a retried event: no new entry
    entries = await trail(core)
    assert [e.action for e in entries] == [
        "app installed", "dashboard link issued", "app uninstalled",
    ]  # fmt: skip
    assert entries[0].actor_id == "U-installer"
    assert entries[1].after == {"role": "admin", "valid for": "24 hours"}
    assert "https://x" not in str(entries)  # the link itself is never kept
    assert entries[2].door == "studybot"


async def test_one_organisation_never_sees_anothers_trail(core: Core) -> None:
    await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=OPERATOR))
    await save_schedule(core, SaveSchedule(OTHER_ORG_CHANNEL, SCHEDULE, actor=OPERATOR))
    await set_schedule_active(core, OTHER_ORG_CHANNEL, False, actor=OPERATOR)
    assert [e.action for e in await trail(core, "org-1")] == ["schedule created"]
    assert [e.action for e in await trail(core, "org-2")] == [
        "schedule created", "schedule paused",
    ]  # fmt: skip


async def test_old_entries_are_purged_after_the_retention_period(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=OPERATOR))
    clock.advance(days=30)
    await set_schedule_active(core, CHANNEL, False, actor=OPERATOR)
    assert await purge_audit(core, clock.now(), keep_days=31) == 0
    assert await purge_audit(core, clock.now(), keep_days=29) == 1
    assert [e.action for e in await trail(core)] == ["schedule paused"]
