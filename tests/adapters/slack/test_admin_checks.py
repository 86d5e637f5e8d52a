"""Admin checks when Slack is unwell: users.info failing is "try again", never "not an admin";
the schedule modal's submission is validated and acknowledged without waiting on Slack."""

from __future__ import annotations

from typing import Any

import pytest

from bot.service.schedules import get_schedule
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.helpers import study_channel
from tests.adapters.slack.test_commands import GOOD, _state, _submission


async def _reply(slack: SlackHarness, name: str) -> dict[str, Any]:
    found = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get(name), what=name)
    assert isinstance(found, dict)
    return found


@pytest.mark.parametrize(("status", "error"), [(429, "ratelimited"), (500, "internal_error")])
async def test_an_admin_is_told_slack_could_not_confirm_them_when_users_info_fails(
    slack: SlackHarness, status: int, error: str
) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.fail_next("users.info", status, error, headers={"Retry-After": "1"})
    await slack.command("drop", user="UADMIN", response="d")
    text = (await _reply(slack, "d"))["text"]
    assert "couldn't confirm who you are" in text
    assert "try again" in text
    assert "Only workspace admins" not in text
    assert slack.fake.of("chat.postMessage") == []


async def test_naming_a_study_admin_slack_cannot_look_up_says_so(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("UNEW")
    slack.fake.pass_next("users.info")  # the admin is looked up; the person named is not
    slack.fake.fail_next("users.info", 429, "ratelimited", headers={"Retry-After": "1"})
    await slack.command("admins add <@UNEW>", user="UADMIN", response="n")
    text = (await _reply(slack, "n"))["text"]
    assert "couldn't confirm who that person is" in text
    assert "try again" in text
    await slack.command("drop", user="UNEW", response="d")  # UNEW was not made a study admin
    assert "Only workspace admins" in (await _reply(slack, "d"))["text"]


async def test_field_errors_are_in_the_ack_even_while_slack_is_down(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.fail_next("users.info", 503, "service_unavailable")
    bad = dict(GOOD) | _state(timezone={"type": "plain_text_input", "value": "Berlin"})
    body = (await slack.interact(_submission("C1", bad, "UADMIN"))).json()
    assert body["response_action"] == "errors"
    assert "did you mean Europe/Berlin" in body["errors"]["timezone"]
    assert slack.fake.of("users.info") == []  # the fields were checked before asking Slack
    assert await get_schedule(slack.core, channel) is None


async def test_a_submission_after_opening_the_modal_needs_no_users_info_before_its_ack(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    await slack.command("schedule", user="UADMIN", trigger_id="trig")
    await slack.fake.wait_for(lambda: slack.fake.of("views.open"), what="the modal")
    slack.fake.fail_next("users.info", 503, "service_unavailable")  # Slack is down now
    response = await slack.interact(_submission("C1", GOOD, "UADMIN"))
    assert response.status_code == 200
    assert response.text == ""  # saved, from the facts gathered when the modal opened
    schedule = await get_schedule(slack.core, channel)
    assert schedule is not None
    assert schedule.day_names() == ["mon", "thu"]


async def test_a_submission_slack_cannot_confirm_says_try_again(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.fail_next("users.info", 429, "ratelimited", headers={"Retry-After": "5"})
    body = (await slack.interact(_submission("C1", GOOD, "UADMIN"))).json()
    assert body["response_action"] == "errors"
    assert "couldn't confirm who you are" in body["errors"]["days"]
    assert "try again" in body["errors"]["days"]
    assert await get_schedule(slack.core, channel) is None
    body2 = await slack.interact(_submission("C1", GOOD, "UADMIN"))  # Slack is back
    assert body2.text == ""
    assert await get_schedule(slack.core, channel) is not None


async def test_a_member_looked_up_when_opening_the_modal_is_still_refused(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UMEMBER")
    await slack.command("schedule", user="UMEMBER", response="s")
    await _reply(slack, "s")
    body = (await slack.interact(_submission("C1", GOOD, "UMEMBER"))).json()
    assert body["response_action"] == "errors"
    assert "Only workspace admins" in body["errors"]["days"]
    assert await get_schedule(slack.core, channel) is None
