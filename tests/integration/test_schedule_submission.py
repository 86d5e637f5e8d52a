"""A schedule form's submit as one core call: check the fields, register the place, save."""

from __future__ import annotations

import pytest

from bot.errors import NotFoundError
from bot.service.commands import RegisterTeam, SaveSchedule
from bot.service.context import Core
from bot.service.schedules import get_schedule, save_schedule_for
from tests.conftest import CHANNEL, register
from tests.support.actors import OPERATOR

FORM = {"days": "mon,wed", "time": "09:30", "timezone": "Europe/Berlin", "window": "8h"}


async def test_valid_fields_register_the_place_and_save_the_schedule(core: Core) -> None:
    asked: list[str] = []

    async def place() -> RegisterTeam:
        asked.append("names")
        return RegisterTeam(CHANNEL, "Contoso", "Study room")

    submitted = await save_schedule_for(core, SaveSchedule(CHANNEL, FORM, actor=OPERATOR), place)
    assert asked == ["names"]
    assert submitted.errors == {}
    assert submitted.saved is not None
    assert submitted.saved.day_names() == ["mon", "wed"]
    assert await get_schedule(core, CHANNEL) == submitted.saved
    assert submitted.values == FORM


async def test_wrong_fields_come_back_and_nothing_is_registered_or_saved(core: Core) -> None:
    asked: list[str] = []

    async def place() -> RegisterTeam:
        asked.append("names")
        return RegisterTeam(CHANNEL, "Contoso", "Study room")

    bad = {**FORM, "days": "someday", "timezone": "Mars/Base"}
    submitted = await save_schedule_for(core, SaveSchedule(CHANNEL, bad, actor=OPERATOR), place)
    assert submitted.saved is None
    assert submitted.errors["days"].startswith("unknown day 'someday'")
    assert submitted.errors["timezone"].startswith("unknown time zone 'Mars/Base'")
    assert submitted.values == bad  # to show the form again for correcting
    assert asked == []  # no name lookup for a wrong form
    with pytest.raises(NotFoundError):
        await get_schedule(core, CHANNEL)  # not even registered


async def test_without_a_place_the_channel_must_be_registered_already(core: Core) -> None:
    with pytest.raises(NotFoundError):
        await save_schedule_for(core, SaveSchedule(CHANNEL, FORM, actor=OPERATOR))
    await register(core)
    submitted = await save_schedule_for(core, SaveSchedule(CHANNEL, FORM, actor=OPERATOR))
    assert submitted.saved == await get_schedule(core, CHANNEL)
