"""/studybot: leaderboard, me, report, help, schedule (modal), drop and admins, and who may."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from adapters.slack.schedule_modal import CALLBACK_ID
from bot.service.admins import is_study_admin
from bot.service.schedules import get_schedule
from bot.storage.tables import drops
from tests.adapters.slack.blocks import assert_valid_message, assert_valid_view
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.helpers import post_drop, stored_answers, study_channel
from tests.support.actors import OPERATOR


async def _answer(slack: SlackHarness, value: str, user: str) -> None:
    await slack.click(value, user=user, response=f"a-{user}-{value}")
    await slack.fake.wait_for(
        lambda: dict(slack.fake.responses).get(f"a-{user}-{value}"), what="answer reply"
    )


async def _reply(slack: SlackHarness, name: str) -> dict[str, Any]:
    found: dict[str, Any] = await slack.fake.wait_for(
        lambda: dict(slack.fake.responses).get(name), what=f"reply {name}"
    )
    return found


async def test_help_and_unknown_commands_get_the_help_text(slack: SlackHarness) -> None:
    for text in ("help", "", "dance"):
        response = await slack.command(text)
        assert response.status_code == 200
        body = response.json()
        assert_valid_message(body)
        assert "/studybot leaderboard" in json.dumps(body, ensure_ascii=False)
    assert "I don't know the command 'dance'" in (await slack.command("dance")).text


async def test_leaderboard_ranks_the_channel_and_never_mixes_workspaces(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    key = slack.core.questions[card.question_id].key
    right = next(o for o in card.options if o.id in key)
    wrong = next(o for o in card.options if o.id not in key)
    await _answer(slack, f"{card.drop_id}:{right.id}", "UADA")
    await _answer(slack, f"{card.drop_id}:{wrong.id}", "UBOB")
    # Another workspace with the same channel id and a member with the same user id.
    other = await study_channel(slack.core, team_id="T2", channel_id="C1")
    other_card = await post_drop(slack.core, other, multiple=False)
    from bot.service.answers import submit_answer
    from bot.service.commands import SubmitAnswer

    await submit_answer(
        slack.core,
        SubmitAnswer(other, other_card.drop_id, "UEVE", "Eve", (other_card.options[0].id,)),
    )

    body = (await slack.command("leaderboard all", user="UBOB")).json()
    assert_valid_message(body)
    text = json.dumps(body, ensure_ascii=False)
    assert "All time" in text
    assert "1. uada" in text
    assert "2. ubob" in text
    assert "Eve" not in text
    assert "ueve" not in text
    assert "2 ranked" in text


async def test_leaderboard_arguments_are_checked(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    body = (await slack.command("leaderboard D2 month")).json()
    assert "This month · Monitoring" in json.dumps(body, ensure_ascii=False)
    bad = (await slack.command("leaderboard D9")).json()
    assert "I don't know 'D9'" in json.dumps(bad, ensure_ascii=False)


async def test_me_shows_accuracy_per_domain_streak_and_rank(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    await _answer(slack, f"{card.drop_id}:{card.options[0].id}", "U1")
    body = (await slack.command("me", user="U1")).json()
    assert_valid_message(body)
    text = json.dumps(body, ensure_ascii=False)
    assert "Streak 1 (best 1)" in text
    assert "rank 1 of 1" in text
    assert "Pipelines" in text
    assert "Monitoring" in text


async def test_me_before_any_answer_says_what_to_do(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    body = (await slack.command("me", user="UNEW")).json()
    assert "answer a question first" in json.dumps(body, ensure_ascii=False)


async def test_commands_in_a_channel_without_studybot_explain_the_invite(
    slack: SlackHarness,
) -> None:
    body = (await slack.command("leaderboard", channel="CNOPE")).json()
    assert "Invite the bot to the channel" in json.dumps(body, ensure_ascii=False)


async def test_report_is_for_admins_only(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("UMEMBER")
    assert (await slack.command("report", user="UMEMBER", response="r1")).status_code == 200
    refused = await _reply(slack, "r1")
    assert "The report is for workspace admins and study admins." in refused["text"]
    await slack.command("report week", user="UADMIN", response="r2")
    report = await _reply(slack, "r2")
    assert_valid_message(report)
    assert "Study report" in json.dumps(report, ensure_ascii=False)
    assert "study-C1" in json.dumps(report, ensure_ascii=False)


async def test_drop_by_an_admin_posts_and_by_a_member_is_refused(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("UMEMBER")
    await slack.command("drop", user="UMEMBER", response="d1")
    assert "Nothing was changed" in (await _reply(slack, "d1"))["text"]
    assert slack.fake.of("chat.postMessage") == []

    await slack.command("drop D2", user="UADMIN", response="d2")
    assert "is posted" in (await _reply(slack, "d2"))["text"]
    (posted,) = slack.fake.of("chat.postMessage")
    assert "Monitoring" in posted.params["text"]


async def test_a_throttled_drop_says_it_is_queued_so_nobody_drops_again(
    slack: SlackHarness,
) -> None:
    """A 429 leaves the drop to the delivery engine: the admin is told it is queued, not to try
    again (which would post a second question)."""
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.fail_next("chat.postMessage", 429, "ratelimited", headers={"Retry-After": "20"})
    await slack.command("drop", user="UADMIN", response="q1")
    said = (await _reply(slack, "q1"))["text"]
    assert "Slack is busy right now (Slack asked to wait 20 s): the question is queued" in said
    assert "try again" not in said.lower()
    async with slack.core.db.read() as conn:
        (status,) = (await conn.scalars(select(drops.c.status))).all()
    assert status == "pending"  # the delivery engine posts it once Slack allows


async def test_a_study_admin_named_by_a_workspace_admin_may_drop(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("UMEMBER")
    await slack.command("admins add <@UMEMBER|m>", user="UMEMBER", response="n0")
    assert "Only workspace admins" in (await _reply(slack, "n0"))["text"]
    await slack.command("admins add <@UMEMBER|m>", user="UADMIN", response="n1")
    assert "is now a study admin" in (await _reply(slack, "n1"))["text"]
    await slack.command("drop", user="UMEMBER", response="n2")
    assert "is posted" in (await _reply(slack, "n2"))["text"]
    # … of that channel only.
    await study_channel(slack.core, channel_id="C2")
    await slack.command("drop", user="UMEMBER", channel="C2", response="n3")
    assert "Nothing was changed" in (await _reply(slack, "n3"))["text"]
    await slack.command("admins remove <@UMEMBER>", user="UADMIN", response="n4")
    assert "no longer a study admin" in (await _reply(slack, "n4"))["text"]
    await slack.command("drop", user="UMEMBER", response="n5")
    assert "Nothing was changed" in (await _reply(slack, "n5"))["text"]


async def test_several_people_are_named_study_admins_at_once(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("UANN")
    slack.fake.add_user("UBEN")
    await slack.command("admins add <@UANN|ann> <@UBEN>", user="UADMIN", response="m1")
    assert "are now study admins" in (await _reply(slack, "m1"))["text"]
    for user_id in ("UANN", "UBEN"):
        assert await is_study_admin(slack.core, channel, user_id)
    # a word that is not a mention changes nobody, and says how to name people
    body = (await slack.command("admins remove <@UANN> ben", user="UADMIN")).json()
    assert "Name the person with an @-mention: /studybot admins add @name" in json.dumps(body)
    assert await is_study_admin(slack.core, channel, "UANN")


async def test_one_person_slack_does_not_know_changes_nobody(slack: SlackHarness) -> None:
    """Everyone named is looked up before anyone is made a study admin."""
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("UANN")
    await slack.command("admins add <@UANN> <@UGONE>", user="UADMIN", response="g1")
    said = (await _reply(slack, "g1"))["text"]
    assert "Slack does not know who that person is (user_not_found), so nothing was changed" in said
    assert not await is_study_admin(slack.core, channel, "UANN")


def _submission(
    channel_id: str, values: dict[str, Any], user: str, team: str = "T1"
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "example"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "t",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": CALLBACK_ID,
            "private_metadata": json.dumps({"channel_id": channel_id}),
            "state": {"values": values},
            "team_id": team,
        },
    }


def _state(**fields: dict[str, Any]) -> dict[str, Any]:
    return {name: {"value": element} for name, element in fields.items()}


GOOD = _state(
    days={"type": "checkboxes", "selected_options": [{"value": "mon"}, {"value": "thu"}]},
    time={"type": "timepicker", "selected_time": "08:30"},
    timezone={"type": "plain_text_input", "value": "Europe/Berlin"},
    window={"type": "plain_text_input", "value": "2h"},
    reveal_mode={"type": "radio_buttons", "selected_option": {"value": "at_close"}},
    focus_domain={"type": "static_select", "selected_option": {"value": "any"}},
    active={"type": "checkboxes", "selected_options": [{"value": "on"}]},
)


async def test_schedule_opens_a_valid_modal_for_an_admin(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True, tz="America/Chicago")
    await slack.command("schedule", user="UADMIN", trigger_id="trig-9")
    (call,) = await slack.fake.wait_for(lambda: slack.fake.of("views.open"), what="views.open")
    assert call.params["trigger_id"] == "trig-9"
    view = call.params["view"]
    assert_valid_view(view)
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1"}
    timezone = next(b for b in view["blocks"] if b["block_id"] == "timezone")
    assert timezone["element"]["initial_value"] == "America/Chicago"


async def test_schedule_is_refused_to_members(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    slack.fake.add_user("UMEMBER")
    await slack.command("schedule", user="UMEMBER", response="s1")
    assert "Nothing was changed" in (await _reply(slack, "s1"))["text"]
    assert slack.fake.of("views.open") == []


async def test_a_valid_submission_saves_the_schedule(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    response = await slack.interact(_submission("C1", GOOD, "UADMIN"))
    assert response.status_code == 200
    assert response.text == ""
    schedule = await get_schedule(slack.core, channel)
    assert schedule is not None
    assert schedule.day_names() == ["mon", "thu"]
    assert schedule.timezone == "Europe/Berlin"
    confirm = await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral"), what="ok")
    assert "Schedule saved: mon, thu at 08:30 Europe/Berlin" in confirm[0].params["text"]


async def test_an_invalid_submission_shows_the_cores_errors_on_the_fields(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    bad = dict(GOOD) | _state(
        timezone={"type": "plain_text_input", "value": "Berlin"},
        window={"type": "plain_text_input", "value": "3 weeks"},
        days={"type": "checkboxes", "selected_options": []},
    )
    response = await slack.interact(_submission("C1", bad, "UADMIN"))
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"timezone", "window", "days"}
    assert "did you mean Europe/Berlin" in body["errors"]["timezone"]
    assert await get_schedule(slack.core, channel) is None


async def test_a_submission_by_a_member_changes_nothing(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    slack.fake.add_user("UMEMBER")
    body = (await slack.interact(_submission("C1", GOOD, "UMEMBER"))).json()
    assert body["response_action"] == "errors"
    assert await get_schedule(slack.core, channel) is None


async def test_an_admin_of_one_workspace_cannot_touch_anothers_schedule(
    slack: SlackHarness,
) -> None:
    """The workspace comes from the signed request, so T1's admin only ever reaches T1's C1."""
    theirs = await study_channel(slack.core, team_id="T2", channel_id="C5")
    slack.fake.add_user("UADMIN", admin=True)
    body = (await slack.interact(_submission("C5", GOOD, "UADMIN", team="T1"))).json()
    assert body["response_action"] == "errors"
    assert "not a studybot study channel" in body["errors"]["days"]
    assert await get_schedule(slack.core, theirs) is None
    await slack.command("drop", user="UADMIN", channel="C5", response="x")
    assert "not a studybot study channel" in (await _reply(slack, "x"))["text"]
    assert await stored_answers(slack.core) == 0


async def test_dashboard_links_are_private_and_follow_the_admin_rule(slack: SlackHarness) -> None:
    from adapters.web.access import dashboard_link, grant_from_link
    from adapters.web.dashboard_settings import DashboardSettings
    from bot.service.admins import set_study_admin

    channel = await study_channel(slack.core)
    slack.fake.add_user("UADMIN", admin=True)
    slack.fake.add_user("USTUDY")
    slack.fake.add_user("UMEMBER")
    await slack.command("dashboard", user="UADMIN", response="off")
    assert "The dashboard is off" in (await _reply(slack, "off"))["text"]

    settings = DashboardSettings(secret="s" * 40, public_url="https://study.example.org")
    made: list[dict[str, str]] = []

    def links(*, platform: str, workspace: str, role: str) -> str:
        made.append({"platform": platform, "workspace": workspace, "role": role})
        return dashboard_link(
            settings,
            platform=platform,
            workspace=workspace,
            role=role,
            hours=24,
            now=slack.core.clock.now(),
        )

    slack.core.dashboard_links = links
    await set_study_admin(slack.core, channel, "USTUDY", "Study Admin", admin=True, actor=OPERATOR)
    for user, name in (("UADMIN", "a"), ("USTUDY", "s"), ("UMEMBER", "m")):
        await slack.command("dashboard", user=user, response=name)
    admin, study, member = [await _reply(slack, n) for n in ("a", "s", "m")]
    assert admin["response_type"] == "ephemeral"
    assert "Your admin link" in admin["text"]
    assert "Your manager link" in study["text"]
    assert "ask one of them for a link" in member["text"]
    assert sorted(made, key=lambda m: m["role"]) == [  # the commands run concurrently
        {"platform": "slack", "workspace": "T1", "role": "admin"},
        {"platform": "slack", "workspace": "T1", "role": "manager"},
    ]
    token = admin["text"].split("token=")[1].split()[0]
    grant = grant_from_link(settings, token, slack.core.clock.now())
    assert (grant.platform, grant.workspace, grant.is_admin) == ("slack", "T1", True)


async def test_the_door_passes_what_slack_says_to_the_cores_policy(
    slack: SlackHarness, monkeypatch: Any
) -> None:
    """users.info's word on the person reaches the policy, and the policy's refusal is shown."""
    from bot.service import policy

    asked: list[tuple[Any, policy.Action]] = []
    decide = policy.decide

    def spy(actor: Any, action: policy.Action, *args: Any, **kwargs: Any) -> policy.Decision:
        asked.append((actor, action))
        return decide(actor, action, *args, **kwargs)

    monkeypatch.setattr(policy, "decide", spy)
    channel = await study_channel(slack.core)
    slack.fake.add_user("UMEMBER")
    slack.fake.add_user("UADMIN", admin=True)
    await slack.command("drop", user="UMEMBER", response="m")
    assert "Nothing was changed" in (await _reply(slack, "m"))["text"]
    member = {(a.user_id, a.workspace_admin, a.org_external_id) for a, _ in asked}
    assert member == {("UMEMBER", False, channel.org_external_id)}
    assert {action for _, action in asked} == {policy.Action.START_DROP}
    await slack.command("drop", user="UADMIN", response="a")
    assert "is posted" in (await _reply(slack, "a"))["text"]
    assert ("UADMIN", True) in {(a.user_id, a.workspace_admin) for a, _ in asked}
