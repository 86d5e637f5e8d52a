"""Core use cases about which channels are meant: an app removed from some channels (their running
schedules pause with a note, other channels keep theirs, the study admins to tell are named), and
the one study channel a chat outside the channels is about, and an install into a team (the
channel registered, the installer its team's first study admin, the trail's entry once)."""

from __future__ import annotations

from bot.ports import ChannelRef
from bot.service.admins import is_study_admin, set_study_admin
from bot.service.audit import list_audit
from bot.service.commands import RegisterTeam, SaveSchedule
from bot.service.context import Core
from bot.service.directory import stored_names
from bot.service.lifecycle import pause_removed_channels, team_installed
from bot.service.schedules import (
    channel_schedules,
    save_schedule,
    set_schedule_active,
    the_study_channel,
)
from tests.conftest import CHANNEL, register
from tests.support.actors import OPERATOR

SCHEDULE = {"days": "weekdays", "time": "09:00", "timezone": "Europe/Berlin", "window": "8h"}
KEPT = ChannelRef("fake", "org-1", "chan-2")


def note(team: str) -> str:
    return f"Paused: removed from {team}."


async def test_running_schedules_of_those_channels_pause_with_the_note(core: Core) -> None:
    for channel in (CHANNEL, KEPT):
        await register(core, channel)
        await save_schedule(core, SaveSchedule(channel, SCHEDULE, actor=OPERATOR))
    await set_study_admin(core, CHANNEL, "U-ada", "Ada", True, actor=OPERATOR)
    await set_study_admin(core, KEPT, "U-bob", "Bob", True, actor=OPERATOR)

    assert await pause_removed_channels(core, [CHANNEL], note) == ["U-ada"]
    (paused,) = await channel_schedules(core, CHANNEL)
    assert not paused.schedule.active
    assert paused.last_error == "Paused: removed from Team chan-1."
    (kept,) = await channel_schedules(core, KEPT)
    assert kept.schedule.active
    assert kept.last_error is None


async def test_nothing_running_means_nobody_to_tell(core: Core) -> None:
    await register(core)
    await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=OPERATOR))
    await set_schedule_active(core, CHANNEL, False, actor=OPERATOR)
    await set_study_admin(core, CHANNEL, "U-ada", "Ada", True, actor=OPERATOR)
    unregistered = ChannelRef("fake", "org-1", "never-a-study-channel")
    assert await pause_removed_channels(core, [CHANNEL, unregistered], note) == []
    (record,) = await channel_schedules(core, CHANNEL)
    assert record.last_error is None  # an admin's own pause keeps no removal note


async def test_a_chat_outside_the_channels_is_about_the_only_scheduled_one(core: Core) -> None:
    unknown = ChannelRef("fake", "org-1", "not-registered")
    await register(core, CHANNEL)
    await register(core, KEPT)
    assert await the_study_channel(core, [CHANNEL, KEPT, unknown]) is None  # two, no schedule
    await save_schedule(core, SaveSchedule(KEPT, SCHEDULE, actor=OPERATOR))
    assert await the_study_channel(core, [CHANNEL, KEPT, unknown]) == KEPT
    assert await the_study_channel(core, [CHANNEL, unknown]) == CHANNEL  # the only registered
    await save_schedule(core, SaveSchedule(CHANNEL, SCHEDULE, actor=OPERATOR))
    assert await the_study_channel(core, [CHANNEL, KEPT]) is None  # two scheduled: ask


async def test_an_install_registers_the_team_and_makes_the_installer_its_first_admin(
    core: Core,
) -> None:
    home = ChannelRef("fake", "org-1", "general")  # where the team's own study admins are kept
    place = RegisterTeam(CHANNEL, "Org one", "Team › Study")
    general = RegisterTeam(home, "Org one", "Team › General")
    for _ in range(2):  # the platform reports one install twice
        await team_installed(core, place, "U-ann", "Ann", general, "Team")
    assert await is_study_admin(core, home, "U-ann")
    assert not await is_study_admin(core, CHANNEL, "U-ann")  # the team's admin, not the channel's
    assert await stored_names(core, CHANNEL) == ("Org one", "Team › Study")
    assert await stored_names(core, home) == ("Org one", "Team › General")
    entries = await list_audit(core, "fake", "org-1")
    assert [(e.action, e.actor_id) for e in entries if e.action == "app installed"] == [
        ("app installed", "U-ann")
    ]
    await team_installed(core, RegisterTeam(KEPT, "Org one", "Other"), "U-bob", "Bob")
    assert await is_study_admin(core, KEPT, "U-bob")  # no home: the channel itself
