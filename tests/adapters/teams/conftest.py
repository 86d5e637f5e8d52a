"""Fixtures for the Teams door: Teams-shaped activities, the fake Bot Connector, the HTTP app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from adapters.teams.auth import CloudEndpoints
from adapters.teams.platform import TeamsPlatform
from adapters.teams.roles import RosterMember
from adapters.teams.server import mount_teams
from adapters.teams.settings import TeamsSettings
from bot.service.context import Core
from tests.adapters.teams.fake_connector import FakeConnector, running_connector

BOT = "28:studybot-app"
TENANT_A = "aaaaaaaa-0000-4000-8000-00000000000a"
TENANT_B = "bbbbbbbb-0000-4000-8000-00000000000b"
TEAM_A = "19:general-a@thread.tacv2"  # a team's id is its General channel's id
CHANNEL_A = "19:study-a@thread.tacv2"
TEAM_B = "19:general-b@thread.tacv2"
CHANNEL_B = "19:study-b@thread.tacv2"
APP_ID = "11111111-2222-4333-8444-555555555555"


@dataclass(frozen=True)
class Person:
    key: str  # Teams id 29:…
    name: str
    aad: str


ADA = Person("29:ada", "Ada", "aad-ada")
GRACE = Person("29:grace", "Grace", "aad-grace")
OWEN = Person("29:owen", "Owen", "aad-owen")  # a team owner


def activity(
    kind: str,
    *,
    service_url: str = "https://smba.example.test/emea/",
    tenant: str = TENANT_A,
    team: str | None = TEAM_A,
    channel: str | None = CHANNEL_A,
    person: Person = ADA,
    conversation_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    channel_data: dict[str, Any] = {"tenant": {"id": tenant}}
    if team:
        channel_data["team"] = {"id": team, "name": "Team " + tenant[0].upper()}
    if channel:
        channel_data["channel"] = {"id": channel}
    conversation_id = f"{channel};messageid=1700000000000" if channel else f"a:{person.key}"
    return {
        "type": kind,
        "id": f"f:{uuid.uuid4().hex}",
        "timestamp": "2026-03-04T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": person.key, "name": person.name, "aadObjectId": person.aad},
        "conversation": {
            "conversationType": conversation_type,
            "tenantId": tenant,
            "id": conversation_id,
            "isGroup": conversation_type != "personal",
        },
        "recipient": {"id": BOT, "name": "studybot"},
        "channelData": channel_data,
        **extra,
    }


def message(text: str, *, mentions: tuple[Person, ...] = (), **kwargs: Any) -> dict[str, Any]:
    entities = [
        {"type": "mention", "text": "<at>studybot</at>", "mentioned": {"id": BOT, "name": "s"}}
    ]
    body = f"<at>studybot</at> {text}"
    for person in mentions:
        entities.append(
            {
                "type": "mention",
                "text": f"<at>{person.name}</at>",
                "mentioned": {"id": person.key, "name": person.name},
            }
        )
        body += f" <at>{person.name}</at>"
    return activity("message", text=body, entities=entities, **kwargs)


def execute(verb: str, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return activity(
        "invoke",
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": verb, "data": data},
            "trigger": "manual",
        },
        **kwargs,
    )


def answer(drop_id: int, option: str, **kwargs: Any) -> dict[str, Any]:
    return execute("answer", {"drop": drop_id, "option": option}, **kwargs)


def install(**kwargs: Any) -> dict[str, Any]:
    """The team install's conversationUpdate; Owen (a roster owner) installs unless told."""
    kwargs.setdefault("channel", None)
    kwargs.setdefault("person", OWEN)
    team = kwargs.get("team", TEAM_A)
    result = activity("conversationUpdate", membersAdded=[{"id": BOT}], **kwargs)
    result["channelData"]["eventType"] = "teamMemberAdded"
    if team:
        result["conversation"]["id"] = team
        result["channelData"]["channel"] = {"id": team}
    return result


SCHEDULE = {
    "days": "weekdays",
    "time": "09:30",
    "timezone": "Europe/Berlin",
    "window": "8h",
    "closes_at": "",
    "reveal_mode": "at_close",
    "focus_domain": "",
}


class FakeRoster:
    """The roster as the Teams API would report it, injected into the bot."""

    def __init__(self, *owners: Person, members: tuple[Person, ...] = ()) -> None:
        self.people = {p.key: (p, "owner") for p in owners}
        self.people.update({p.key: (p, "user") for p in members})
        self.calls: list[str] = []

    async def __call__(self, turn_context: Any, user_key: str) -> RosterMember | None:
        self.calls.append(user_key)
        found = self.people.get(user_key)
        if found is None:
            return None
        person, role = found
        return RosterMember(person.key, person.aad, person.name, role)


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with running_connector() as fake:
        fake.add_member(OWEN.key, OWEN.name, OWEN.aad, role="owner")
        fake.add_member(ADA.key, ADA.name, ADA.aad)
        fake.add_member(GRACE.key, GRACE.name, GRACE.aad)
        yield fake


@dataclass
class TeamsDoor:
    client: httpx.AsyncClient
    platform: TeamsPlatform
    connector: FakeConnector

    async def post(self, payload: dict[str, Any], token: str | None = None) -> httpx.Response:
        payload = {**payload, "serviceUrl": self.connector.base_url + "/"}
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post("/api/messages", json=payload, headers=headers)


LOCAL_DEV = TeamsSettings(enabled=True, local_dev=True)


async def open_door(
    core: Core, connector: FakeConnector, settings: TeamsSettings = LOCAL_DEV, **kwargs: Any
) -> AsyncIterator[TeamsDoor]:
    app = FastAPI()
    endpoints = CloudEndpoints(openid_metadata_url=connector.openid_url)
    platform = mount_teams(app, core, settings, endpoints=endpoints, **kwargs)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://studybot.test") as client:
        yield TeamsDoor(client, platform, connector)


@pytest.fixture
async def door(core: Core, connector: FakeConnector) -> AsyncIterator[TeamsDoor]:
    """The Teams door in local development mode (no authentication), on the fake connector."""
    async for opened in open_door(core, connector):
        yield opened
