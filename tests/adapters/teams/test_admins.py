"""Who may administer in a real tenant, where the roster may report nobody as "owner"."""

from __future__ import annotations

from typing import Any

from bot.ports import ChannelRef
from bot.service.admins import is_study_admin
from bot.service.context import Core
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    ADA,
    CHANNEL_A,
    GRACE,
    OWEN,
    SCHEDULE,
    TEAM_A,
    TENANT_A,
    Person,
    TeamsDoor,
    activity,
    execute,
    install,
    message,
)
from tests.adapters.teams.fake_connector import FakeConnector


def nobody_owns(connector: FakeConnector) -> None:
    """As Microsoft documents the roster: "user" (or "guest") for everyone."""
    for member in connector.members.values():
        member["userRole"] = "user"


def last_text(connector: FakeConnector) -> str:
    return str(connector.sent("POST")[-1].body.get("text"))


async def test_the_installer_is_the_first_study_admin_and_is_told_so(
    door: TeamsDoor, core: Core
) -> None:
    nobody_owns(door.connector)
    assert (await door.post(install(person=ADA))).status_code == 200
    welcome = door.connector.sent("POST")[-1].body["attachments"][0]["content"]
    assert_valid_card(welcome)
    assert "Ada added studybot to this team, so Ada is its first study admin" in str(welcome)
    assert await is_study_admin(core, ChannelRef("teams", TENANT_A, TEAM_A), ADA.aad)

    refused = await door.post(execute("schedule", SCHEDULE, person=GRACE))
    assert "Only team owners and study admins" in refused.json()["value"]
    saved = await door.post(execute("schedule", SCHEDULE, person=ADA))  # in another channel
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")
    await door.post(message("drop", person=GRACE))
    assert "Only team owners and study admins" in last_text(door.connector)
    await door.post(message("admin add", mentions=(GRACE,), person=ADA))
    assert last_text(door.connector) == "Grace is now a study admin."
    before = len(door.connector.sent("POST"))
    await door.post(message("drop", person=GRACE))
    posted = door.connector.sent("POST")[before:]
    assert [p.conversation_id for p in posted] == [CHANNEL_A]  # the question, no refusal
    assert posted[0].body["attachments"][0]["content"]["actions"]


async def test_installation_update_makes_its_sender_admin(door: TeamsDoor, core: Core) -> None:
    nobody_owns(door.connector)
    event: dict[str, Any] = activity(
        "installationUpdate", action="add", person=GRACE, channel=TEAM_A
    )
    event["conversation"]["id"] = TEAM_A
    assert (await door.post(event)).status_code == 200
    assert await is_study_admin(core, ChannelRef("teams", TENANT_A, TEAM_A), GRACE.aad)
    saved = await door.post(execute("schedule", SCHEDULE, person=GRACE))
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")


async def test_a_roster_owner_still_counts(door: TeamsDoor) -> None:
    await door.post(install(person=ADA))
    saved = await door.post(execute("schedule", SCHEDULE, person=OWEN))  # "owner" in the roster
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")


async def test_the_door_passes_the_roster_and_the_team_to_the_cores_policy(
    door: TeamsDoor, monkeypatch: Any
) -> None:
    """The roster's word and the team the person acts in reach the policy, which refuses."""
    from bot.service import policy

    asked: list[tuple[Any, policy.Action]] = []
    decide = policy.decide

    def spy(actor: Any, action: policy.Action, *args: Any, **kwargs: Any) -> policy.Decision:
        asked.append((actor, action))
        return decide(actor, action, *args, **kwargs)

    monkeypatch.setattr(policy, "decide", spy)
    nobody_owns(door.connector)
    await door.post(install(person=ADA))
    asked.clear()
    refused = await door.post(execute("schedule", SCHEDULE, person=GRACE))
    assert "Only team owners and study admins" in refused.json()["value"]
    (grace, action), *_ = asked
    assert (grace.platform, grace.org_external_id, grace.user_id) == ("teams", TENANT_A, GRACE.aad)
    assert (grace.team_owner, action) == (False, policy.Action.SAVE_SCHEDULE)
    assert grace.team_channel == ChannelRef("teams", TENANT_A, TEAM_A)
    door.connector.members[OWEN.key]["userRole"] = "owner"
    asked.clear()
    saved = await door.post(execute("schedule", SCHEDULE, person=OWEN))
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")
    assert {a.team_owner for a, _ in asked} == {True}


async def test_one_stranger_among_the_named_people_changes_nobody(
    door: TeamsDoor, core: Core
) -> None:
    """Everyone named is looked up in the roster before anyone is made a study admin."""
    stranger = Person("29:stranger", "Sam", "aad-sam")  # not in the team's roster
    await door.post(install(person=OWEN))
    await door.post(execute("schedule", SCHEDULE, person=OWEN))  # CHANNEL_A studies
    await door.post(message("admin add", mentions=(GRACE, stranger), person=OWEN))
    assert last_text(door.connector) == "Sam is not a member of this team; nothing was changed."
    channel = ChannelRef("teams", TENANT_A, CHANNEL_A)
    assert not await is_study_admin(core, channel, GRACE.aad)
    await door.post(message("admin add", mentions=(GRACE, ADA), person=OWEN))
    assert last_text(door.connector) == "Grace and Ada are now study admins."
    assert await is_study_admin(core, channel, GRACE.aad)
    assert await is_study_admin(core, channel, ADA.aad)
