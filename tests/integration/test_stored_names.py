"""The stored names of a channel's organisation and team: only that channel's, never another
organisation's channel of the same id."""

from __future__ import annotations

from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.directory import stored_names
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register


async def test_names_are_those_of_the_channels_own_organisation(core: Core) -> None:
    await register(core, CHANNEL)
    assert await stored_names(core, CHANNEL) == ("Org org-1", "Team chan-1")
    assert await stored_names(core, OTHER_ORG_CHANNEL) == (None, None)  # same channel id
    await register(core, OTHER_ORG_CHANNEL)
    assert await stored_names(core, OTHER_ORG_CHANNEL) == ("Org org-2", "Team chan-1")


async def test_an_unregistered_channel_of_a_known_organisation_has_no_team_name(
    core: Core,
) -> None:
    await register(core, CHANNEL)
    assert await stored_names(core, ChannelRef("fake", "org-1", "elsewhere")) == ("Org org-1", None)
