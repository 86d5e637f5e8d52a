"""Before a drop is revealed, nothing a member shows others (leaderboard, App Home, the admin
report) tells who was right; at the reveal the points and accuracy appear."""

from __future__ import annotations

import json

from bot.drop_life import by_hand
from bot.service.commands import CloseDrop
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.helpers import post_drop, study_channel


async def _answer(slack: SlackHarness, value: str, user: str) -> None:
    await slack.click(value, user=user, response=f"a-{user}")
    await slack.fake.wait_for(lambda: dict(slack.fake.responses).get(f"a-{user}"), what="reply")


async def _home(slack: SlackHarness, user: str, n: int) -> str:
    await slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1"},
        f"EvHome{n}",
    )
    calls = await slack.fake.wait_for(
        lambda: slack.fake.of("views.publish")[n - 1 :], what="the App Home"
    )
    return str(calls[0].params["view"]["blocks"])


async def _text(slack: SlackHarness, command: str, user: str, name: str) -> str:
    await slack.command(command, user=user, response=name)
    found = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get(name), what=name)
    return json.dumps(found, ensure_ascii=False)


async def test_an_unrevealed_drop_gives_nothing_away_in_slack(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    card = await post_drop(slack.core, channel, multiple=False)
    key = slack.core.questions[card.question_id].key
    right = next(o for o in card.options if o.id in key)
    wrong = next(o for o in card.options if o.id not in key)
    await _answer(slack, f"{card.drop_id}:{right.id}", "UZED")
    await _answer(slack, f"{card.drop_id}:{wrong.id}", "UADA")

    board = json.dumps((await slack.command("leaderboard all", user="UCAT")).json())
    assert "1. uada \\u2014 *0* points (0/1 right)" in board  # a tie: alphabetical
    assert "2. uzed \\u2014 *0* points (0/1 right)" in board
    report = await _text(slack, "report week", "UADMIN", "r1")
    assert "2 answers, 0% right" in report
    assert "50%" not in report
    home = await _home(slack, "UADA", 1)
    assert "rank 1 of 2" in home
    assert "0/1 right" in home

    await by_hand.close_and_reveal(slack.core, CloseDrop(card.drop_id, channel))
    points = 10 * slack.core.questions[card.question_id].difficulty
    board = json.dumps((await slack.command("leaderboard all", user="UCAT")).json())
    assert f"1. uzed \\u2014 *{points}* points (1/1 right)" in board
    assert "2. uada \\u2014 *0* points (0/1 right)" in board
    assert "2 answers, 50% right" in await _text(slack, "report week", "UADMIN", "r2")
    assert "rank 2 of 2" in await _home(slack, "UADA", 2)
