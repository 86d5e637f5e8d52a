"""Study admins per channel, and once-only handling of platform events."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInputError
from bot.service.admins import is_study_admin, set_study_admin, set_study_admins
from bot.service.context import Core
from bot.service.events import first_delivery, forget_old_events
from bot.service.memberships import member_channels
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock
from tests.support.actors import OPERATOR


async def test_study_admins_are_per_channel_and_per_organisation(core: Core) -> None:
    await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    assert not await is_study_admin(core, CHANNEL, "amy")
    await set_study_admin(core, CHANNEL, "amy", "Amy", admin=True, actor=OPERATOR)
    assert await is_study_admin(core, CHANNEL, "amy")
    assert not await is_study_admin(core, OTHER_ORG_CHANNEL, "amy")  # same id, other workspace
    assert await member_channels(core, "fake", "org-1", "amy", admin_only=True) == [CHANNEL]
    await set_study_admin(core, CHANNEL, "amy", "Amy", admin=False, actor=OPERATOR)
    assert not await is_study_admin(core, CHANNEL, "amy")
    assert await member_channels(core, "fake", "org-1", "amy", admin_only=True) == []


async def test_each_event_is_handled_once(core: Core, clock: FakeClock) -> None:
    assert await first_delivery(core, "slack", "Ev01")
    assert not await first_delivery(core, "slack", "Ev01")  # a retry
    assert await first_delivery(core, "teams", "Ev01")  # another platform's id space
    clock.advance(days=3)
    assert await forget_old_events(core) == 2
    assert await first_delivery(core, "slack", "Ev01")


async def test_several_study_admins_change_together_and_are_named_in_one_sentence(
    core: Core,
) -> None:
    await register(core)
    people = [("U-ada", "Ada"), ("U-bob", "")]  # no name given: the id stands in the sentence
    said = await set_study_admins(core, CHANNEL, people, True, actor=OPERATOR, where="of #study")
    assert said == "Ada and U-bob are now study admins of #study."
    assert [await is_study_admin(core, CHANNEL, u) for u, _ in people] == [True, True]
    said = await set_study_admins(core, CHANNEL, people[:1], False, actor=OPERATOR)
    assert said == "Ada is no longer a study admin."
    assert not await is_study_admin(core, CHANNEL, "U-ada")
    with pytest.raises(InvalidInputError, match="Name at least one person"):
        await set_study_admins(core, CHANNEL, [], True, actor=OPERATOR)
