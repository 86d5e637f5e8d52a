"""Schedules are read per organisation (or per channel) in the database; only the engine's digest
scan and the operator's command line read every organisation's, through their own functions."""

from __future__ import annotations

from bot.ports import ChannelRef
from bot.service.commands import SaveSchedule
from bot.service.context import Core
from bot.service.lifecycle import deactivate_organisation
from bot.service.schedules import (
    channel_schedules,
    org_schedules,
    save_schedule,
    schedules_of_every_org_for_digests,
    schedules_of_every_org_for_operator,
    set_schedule_active,
)
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.support.actors import OPERATOR

SECOND = ChannelRef(CHANNEL.platform, CHANNEL.org_external_id, "chan-2")
THIRD_ORG = ChannelRef(CHANNEL.platform, "org-3", "chan-9")
FIELDS = {"days": "daily", "time": "09:00", "timezone": "UTC", "window": "8h", "digest": "mon"}


async def three_organisations(core: Core) -> None:
    for channel in (CHANNEL, SECOND, OTHER_ORG_CHANNEL, THIRD_ORG):
        await register(core, channel)
        await save_schedule(core, SaveSchedule(channel, FIELDS, actor=OPERATOR))


async def test_an_organisation_reads_only_its_own_schedules(core: Core) -> None:
    await three_organisations(core)
    mine = await org_schedules(core, CHANNEL.platform, CHANNEL.org_external_id)
    assert [r.channel for r in mine] == [CHANNEL, SECOND]
    theirs = await org_schedules(core, CHANNEL.platform, OTHER_ORG_CHANNEL.org_external_id)
    assert [r.channel for r in theirs] == [OTHER_ORG_CHANNEL]
    assert await org_schedules(core, "teams", CHANNEL.org_external_id) == []


async def test_a_channel_reads_only_its_own_schedule(core: Core) -> None:
    """OTHER_ORG_CHANNEL has the same channel id as CHANNEL, in another organisation."""
    await three_organisations(core)
    assert [r.channel for r in await channel_schedules(core, CHANNEL)] == [CHANNEL]
    assert [r.channel for r in await channel_schedules(core, OTHER_ORG_CHANNEL)] == [
        OTHER_ORG_CHANNEL
    ]
    unknown = ChannelRef(CHANNEL.platform, "org-unknown", CHANNEL.channel_id)
    assert await channel_schedules(core, unknown) == []


async def test_the_digest_scan_keeps_running_schedules_of_organisations_with_the_app(
    core: Core,
) -> None:
    await three_organisations(core)
    await set_schedule_active(core, SECOND, False, actor=OPERATOR)
    await save_schedule(
        core, SaveSchedule(OTHER_ORG_CHANNEL, {**FIELDS, "digest": "off"}, actor=OPERATOR)
    )
    await deactivate_organisation(core, THIRD_ORG.platform, THIRD_ORG.org_external_id)
    assert [r.channel for r in await schedules_of_every_org_for_digests(core)] == [CHANNEL]


async def test_the_operator_lists_every_organisation(core: Core) -> None:
    await three_organisations(core)
    every = await schedules_of_every_org_for_operator(core)
    assert [r.channel for r in every] == [CHANNEL, SECOND, OTHER_ORG_CHANNEL, THIRD_ORG]
