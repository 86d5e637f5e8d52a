"""The policy reads study-admin status from the database itself, scoped to the organisation."""

from __future__ import annotations

import pytest

from bot.drop_life.start_close import close_drop, start_drop
from bot.errors import NotAllowedError
from bot.ports import ChannelRef
from bot.service.admins import set_study_admin
from bot.service.commands import Actor, CloseDrop, SaveSchedule, StartDrop
from bot.service.context import Core
from bot.service.policy import Action, authorize
from bot.service.schedules import get_schedule, save_schedule
from tests.conftest import register
from tests.support.actors import OPERATOR

HERE = ChannelRef("slack", "T1", "C-here")
THERE = ChannelRef("slack", "T1", "C-there")
ELSEWHERE = ChannelRef("slack", "T2", "C-here")  # the same channel id in another workspace
GENERAL = ChannelRef("teams", "tenant", "general")
TEAM_CHANNEL = ChannelRef("teams", "tenant", "study")
SCHEDULE = {"days": "daily", "time": "09:00", "timezone": "UTC"}


async def test_a_slack_study_admin_runs_their_own_channel_only(core: Core) -> None:
    for channel in (HERE, THERE, ELSEWHERE):
        await register(core, channel)
    await set_study_admin(core, HERE, "U1", "Una", True, actor=OPERATOR)
    una = Actor("slack", "T1", "U1")
    await authorize(core, una, Action.START_DROP, HERE)
    with pytest.raises(NotAllowedError):
        await authorize(core, una, Action.START_DROP, THERE)
    with pytest.raises(NotAllowedError):
        await authorize(core, Actor("slack", "T2", "U1"), Action.START_DROP, ELSEWHERE)
    with pytest.raises(NotAllowedError):  # a channel of another workspace than the actor's
        await authorize(core, una, Action.START_DROP, ELSEWHERE)
    with pytest.raises(NotAllowedError):  # only workspace admins name study admins
        await set_study_admin(core, HERE, "U2", "Ugo", True, actor=una)
    with pytest.raises(NotAllowedError):  # an unknown channel: nobody is a study admin of it
        await authorize(core, una, Action.START_DROP, ChannelRef("slack", "T1", "C-new"))
    boss = Actor("slack", "T1", "U0", workspace_admin=True)
    with pytest.raises(NotAllowedError):  # a person's close names its channel (scoping the id)
        await close_drop(core, CloseDrop(1, actor=boss))


async def test_the_service_functions_refuse_and_change_nothing(core: Core) -> None:
    await register(core, HERE)
    member = Actor("slack", "T1", "U9")
    with pytest.raises(NotAllowedError):
        await save_schedule(core, SaveSchedule(HERE, SCHEDULE, actor=member))
    with pytest.raises(NotAllowedError):
        await start_drop(core, StartDrop(HERE, actor=member))
    assert await get_schedule(core, HERE) is None
    admin = Actor("slack", "T1", "U9", workspace_admin=True)
    await save_schedule(core, SaveSchedule(HERE, SCHEDULE, actor=admin))
    assert await get_schedule(core, HERE) is not None


async def test_a_teams_study_admin_of_the_team_runs_its_channels(core: Core) -> None:
    for channel in (GENERAL, TEAM_CHANNEL):
        await register(core, channel)
    await set_study_admin(core, GENERAL, "aad-1", "Ina", True, actor=OPERATOR)  # the installer
    ina = Actor("teams", "tenant", "aad-1", team_channel=GENERAL)
    await authorize(core, ina, Action.SAVE_SCHEDULE, TEAM_CHANNEL)
    with pytest.raises(NotAllowedError):  # no team named: the General channel does not count
        await authorize(core, Actor("teams", "tenant", "aad-1"), Action.SAVE_SCHEDULE, TEAM_CHANNEL)
    foreign = Actor("teams", "tenant", "aad-1", team_channel=ChannelRef("teams", "x", "general"))
    with pytest.raises(NotAllowedError):  # a team of another tenant counts for nothing
        await authorize(core, foreign, Action.SAVE_SCHEDULE, TEAM_CHANNEL)
    link = await authorize(core, Actor("teams", "tenant", "aad-1"), Action.ISSUE_DASHBOARD_LINK)
    assert link.role == "manager"
    with pytest.raises(NotAllowedError):
        await authorize(core, Actor("teams", "tenant", "aad-2"), Action.ISSUE_DASHBOARD_LINK)
