"""Seed data and sign-in helpers shared by the dashboard, admin and API tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from adapters.web.access import dashboard_link, make_token
from adapters.web.dashboard_settings import DashboardSettings
from bot.drop_life.start_close import close_drop, start_drop
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, RegisterTeam, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.directory import register_team
from tests.support.answers import right_answer, wrong_answer

SETTINGS = DashboardSettings(secret="k" * 40, public_url="http://test")
OTHER_KEY = DashboardSettings(secret="z" * 40, public_url="http://test")
ALPHA = ChannelRef("slack", "T-ALPHA", "C-alpha-1")
ALPHA_2 = ChannelRef("slack", "T-ALPHA", "C-alpha-2")
BETA = ChannelRef("slack", "T-BETA", "C-alpha-1")  # the same channel id in another workspace
SECRET_NAME = "Zebra Secret Squad"  # only in the other organisation


async def seed(core: Core, drops: int = 6) -> None:
    """Two teams in T-ALPHA, one in T-BETA; `drops` closed questions each. In Alpha 1, ada
    always answers right, grace always wrong, linus answers only the first question."""
    await register_team(core, RegisterTeam(ALPHA, "Alpha Corp", "Alpha One", "Europe/Berlin"))
    await register_team(core, RegisterTeam(ALPHA_2, "Alpha Corp", "Alpha Two", "UTC"))
    await register_team(core, RegisterTeam(BETA, "Beta Inc", SECRET_NAME, "UTC"))
    for n in range(drops):
        for channel in (ALPHA, ALPHA_2, BETA):
            card = await start_drop(core, StartDrop(channel, window=timedelta(hours=1)))
            q = core.questions[card.question_id]
            right, wrong = right_answer(q), wrong_answer(q)
            people = [("ada", "Ada", right), ("grace", "Grace", wrong)]
            if n == 0:
                people.append(("linus", "=HYPERLINK(evil)", right))
            if channel == BETA:
                people = [("spy", "Beta Spy", right)]
            for user, name, options in people:
                await submit_answer(core, SubmitAnswer(channel, card.drop_id, user, name, options))
            await close_drop(core, CloseDrop(card.drop_id, channel))
        core.clock.advance(days=1)  # type: ignore[attr-defined]


def token(role: str = "manager", workspace: str = "T-ALPHA", *, now: datetime, hours: float = 24,
          settings: DashboardSettings = SETTINGS) -> str:  # fmt: skip
    return make_token(
        settings, platform="slack", workspace=workspace, role=role, hours=hours, now=now
    )


async def sign_in(
    client: httpx.AsyncClient, core: Core, role: str = "manager", workspace: str = "T-ALPHA"
) -> str:
    """Open a fresh link like a browser would; return the session's CSRF token."""
    link = dashboard_link(
        SETTINGS, platform="slack", workspace=workspace, role=role, hours=2, now=core.clock.now()
    )
    response = await client.get(link.removeprefix("http://test"))
    assert response.status_code == 303, response.text
    page = await client.get("/dashboard")
    assert page.status_code == 200, page.text
    marker = 'name="csrf" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]
