"""The command line asks the core's policy as the operator, who may do everything."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from bot import cli_admins, cli_schedule
from bot.ports import ChannelRef
from bot.service import policy
from bot.service.admins import is_study_admin
from bot.service.context import Core
from bot.service.schedules import get_schedule
from tests.conftest import register

CHANNEL = ChannelRef("slack", "T1", "C1")


async def test_the_command_line_is_the_operator(
    core: Core, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[tuple[Any, policy.Action]] = []
    decide = policy.decide

    def spy(actor: Any, action: policy.Action, *args: Any, **kwargs: Any) -> policy.Decision:
        asked.append((actor, action))
        return decide(actor, action, *args, **kwargs)

    monkeypatch.setattr(policy, "decide", spy)
    await register(core, CHANNEL)
    where = "slack:T1:C1"
    add = argparse.Namespace(
        channel=where, days="daily", time="09:00", timezone="UTC", window=None, closes_at=None,
        reveal=None, focus=None, start=None, end=None, skip=None, digest=None, replace=False,
    )  # fmt: skip
    await cli_schedule._add(core, add)
    await cli_schedule._pause(core, argparse.Namespace(channel=where))
    print(await cli_admins._add(core, argparse.Namespace(channel=where, user="U1", name="Una")))
    schedule = await get_schedule(core, CHANNEL)
    assert schedule is not None
    assert not schedule.active
    assert await is_study_admin(core, CHANNEL, "U1")
    assert {a.operator for a, _ in asked} == {True}
    assert {action for _, action in asked} == {
        policy.Action.SAVE_SCHEDULE,
        policy.Action.PAUSE_SCHEDULE,
        policy.Action.MANAGE_STUDY_ADMINS,
    }
    assert "Paused slack:T1:C1" in capsys.readouterr().out
