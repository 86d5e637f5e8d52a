"""The manager's view of an organisation and of one team: read only for the actor's own
organisation, only by those the policy lets read the dashboard."""

from __future__ import annotations

import pytest

from bot.domain.periods import Period
from bot.errors import NotAllowedError, NotFoundError
from bot.ports import ChannelRef
from bot.service.commands import Actor
from bot.service.context import Core
from bot.service.org_teams import own_team
from bot.service.team_progress import WEEKS, org_progress, team_progress
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register

MANAGER = Actor("fake", "org-1", dashboard_role="manager")


async def test_a_manager_sees_their_own_organisations_teams_only(core: Core) -> None:
    await register(core, CHANNEL)
    await register(core, OTHER_ORG_CHANNEL)
    org = await org_progress(core, MANAGER, Period.WEEK)
    assert [t.channel for t in org.org.teams] == [CHANNEL]
    assert [t.team_name for t in org.report.teams] == ["Team chan-1"]
    assert len(org.weeks) == WEEKS
    team = await team_progress(core, MANAGER, CHANNEL.channel_id, Period.ALL, None)
    assert (team.team.channel, team.board.team_name) == (CHANNEL, "Team chan-1")


async def test_a_channel_of_another_organisation_is_not_found(core: Core) -> None:
    await register(core, CHANNEL)
    await register(core, ChannelRef("fake", "org-2", "chan-9"))
    with pytest.raises(NotFoundError):
        await team_progress(core, MANAGER, "chan-9", Period.WEEK, None)
    with pytest.raises(NotFoundError):
        await own_team(core, MANAGER, "chan-9")
    assert (await own_team(core, MANAGER, CHANNEL.channel_id)).channel == CHANNEL


async def test_a_member_without_a_dashboard_role_is_refused(core: Core) -> None:
    await register(core, CHANNEL)
    member = Actor("fake", "org-1", "U-ada")
    with pytest.raises(NotAllowedError):
        await team_progress(core, member, CHANNEL.channel_id, Period.WEEK, None)
    with pytest.raises(NotAllowedError):
        await org_progress(core, member, Period.WEEK)
