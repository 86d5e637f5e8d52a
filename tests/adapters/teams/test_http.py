"""The /api/messages route over HTTP with the real SDK and the fake Bot Connector."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from adapters.teams.auth import CloudEndpoints
from adapters.teams.tables import teams_conversations
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.storage.tables import answers, organisations
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    CHANNEL_A,
    OWEN,
    SCHEDULE,
    TENANT_A,
    TeamsDoor,
    answer,
    execute,
    install,
    message,
)


async def count(core: Core, table: Any) -> int:
    async with core.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def start_study_channel(door: TeamsDoor) -> None:
    assert (await door.post(install())).status_code == 200
    response = await door.post(execute("schedule", SCHEDULE, person=OWEN))
    assert response.json()["value"]["body"][0]["text"].startswith("Schedule saved")


async def test_install_registers_the_team_keeps_the_reference_and_welcomes(
    door: TeamsDoor, core: Core
) -> None:
    response = await door.post(install())
    assert response.status_code == 200
    posts = door.connector.sent("POST")
    assert len(posts) == 1
    card = posts[0].body["attachments"][0]["content"]
    assert_valid_card(card)
    assert "@studybot schedule" in card["body"][1]["text"]
    assert await count(core, teams_conversations) == 1
    async with core.db.read() as conn:
        assert await conn.scalar(select(organisations.c.external_id)) == TENANT_A


async def test_a_redelivered_install_welcomes_once(door: TeamsDoor) -> None:
    event = install()
    await door.post(event)
    await door.post(event)
    assert len(door.connector.sent("POST")) == 1


async def test_answer_invoke_returns_the_refreshed_card_as_json(
    door: TeamsDoor, core: Core
) -> None:
    """CloudAdapter.process would answer 500 here (double serialization); our route answers 200."""
    await start_study_channel(door)
    drop = await door.post(message("drop", person=OWEN))
    assert drop.status_code == 200
    posted = door.connector.sent("POST")[-1]
    assert posted.conversation_id == CHANNEL_A  # a new thread in the study channel
    card = posted.body["attachments"][0]["content"]
    assert_valid_card(card)
    first = card["actions"][0]
    response = await door.post(answer(first["data"]["drop"], first["data"]["option"]))
    assert response.status_code == 200
    body = response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(body["value"])
    assert "is recorded" in body["value"]["body"][0]["items"][0]["text"]
    assert await count(core, answers) == 1


async def test_malformed_requests_get_400_and_store_nothing(door: TeamsDoor, core: Core) -> None:
    bad_bodies = [b"not json", b"[1, 2]", b'{"text": "no type"}', b'{"type": "message"}']
    for body in bad_bodies:
        response = await door.client.post(
            "/api/messages", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, body
        assert "error" in response.json()
    response = await door.client.post(
        "/api/messages", content=b"type=message", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    huge = b'{"type": "message", "text": "' + b"x" * 300_000 + b'"}'
    response = await door.client.post(
        "/api/messages", content=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    no_tenant = message("help")
    del no_tenant["channelData"]["tenant"]
    del no_tenant["conversation"]["tenantId"]
    refused = await door.post(no_tenant)
    assert refused.status_code == 400
    assert "without tenant" in refused.json()["error"]["message"]
    assert await count(core, teams_conversations) == 0
    assert await count(core, organisations) == 0


async def test_malformed_card_data_gets_a_400_invoke_answer(door: TeamsDoor, core: Core) -> None:
    await start_study_channel(door)
    for data in ({"drop": "seven", "option": "a"}, {"option": "a"}, {"drop": 1, "option": 5}):
        response = await door.post(execute("answer", data))
        assert response.status_code == 200
        assert response.json()["statusCode"] == 400
    response = await door.post(execute("vote", {"drop": 1}))
    assert response.json()["statusCode"] == 400
    assert await count(core, answers) == 0


async def test_with_credentials_a_request_without_a_valid_token_is_refused(
    core: Core, connector: Any
) -> None:
    from adapters.teams.settings import AppType, TeamsSettings
    from tests.adapters.teams.conftest import APP_ID, open_door
    from tests.adapters.teams.credentials import StaticCredentials

    settings = TeamsSettings(
        enabled=True,
        app_id=APP_ID,
        app_password="secret",
        app_type=AppType.SINGLE_TENANT,
        tenant_id=TENANT_A,
    )
    connector.expected_token = "outbound-token"
    async for door in open_door(
        core, connector, settings, credentials=StaticCredentials(APP_ID, "outbound-token")
    ):
        service_url = connector.base_url + "/"
        assert (await door.post(install())).status_code == 401  # no token
        forged = connector.token(APP_ID, service_url, key=_other_key())
        assert (await door.post(install(), token=forged)).status_code == 401
        wrong_app = connector.token("99999999-2222-4333-8444-555555555555", service_url)
        assert (await door.post(install(), token=wrong_app)).status_code == 401
        other_url = connector.token(APP_ID, "https://elsewhere.example/")
        assert (await door.post(install(), token=other_url)).status_code == 401
        assert (await door.post(install(), token="not-a-jwt")).status_code == 401
        assert connector.sent("POST") == []
        assert await count(core, teams_conversations) == 0
        assert await count(core, organisations) == 0

        good = connector.token(APP_ID, service_url)
        assert (await door.post(install(), token=good)).status_code == 200
        welcome = connector.sent("POST")
        assert len(welcome) == 1
        assert welcome[0].authorization == "Bearer outbound-token"
        assert await count(core, teams_conversations) == 1


def _other_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


async def test_endpoints_default_to_the_public_cloud() -> None:
    endpoints = CloudEndpoints()
    assert endpoints.token_issuer == "https://api.botframework.com"
    assert endpoints.openid_metadata_url.startswith("https://login.botframework.com/")


async def test_two_tenants_never_see_each_other(door: TeamsDoor, core: Core) -> None:
    from tests.adapters.teams.conftest import CHANNEL_B, TEAM_B, TENANT_B

    await start_study_channel(door)
    await door.post(message("drop", person=OWEN))
    card = door.connector.sent("POST")[-1].body["attachments"][0]["content"]
    drop_id = card["actions"][0]["data"]["drop"]
    other = {"tenant": TENANT_B, "team": TEAM_B, "channel": CHANNEL_B}
    await door.post(install(tenant=TENANT_B, team=TEAM_B))
    response = await door.post(answer(drop_id, card["actions"][0]["data"]["option"], **other))
    body = response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert f"no question drop {drop_id}" in body["value"]
    assert await count(core, answers) == 0
    await door.post(message("leaderboard", **other))
    reply = door.connector.sent("POST")[-1]
    assert reply.conversation_id.startswith(CHANNEL_B)
    assert "not a study" in str(reply.body) or "not a studybot" in str(reply.body)
    assert ChannelRef("teams", TENANT_A, CHANNEL_A) != ChannelRef("teams", TENANT_B, CHANNEL_A)


async def test_the_roster_decides_who_owns_the_team(door: TeamsDoor, core: Core) -> None:
    from tests.adapters.teams.conftest import ADA

    await door.post(install())
    refused = await door.post(execute("schedule", SCHEDULE, person=ADA))
    assert "Only team owners and study admins" in refused.json()["value"]
    stranger = await door.post(message("drop", person=ADA.__class__("29:x", "X", "aad-x")))
    assert stranger.status_code == 200
    assert "Only team owners" in door.connector.sent("POST")[-1].body["text"]
    saved = await door.post(execute("schedule", SCHEDULE, person=OWEN))
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")


async def test_an_unexpected_failure_gets_an_apology_not_a_crash(
    core: Core, connector: Any
) -> None:
    from tests.adapters.teams.conftest import GRACE, open_door

    async def broken_roster(turn_context: Any, user_key: str) -> None:
        raise RuntimeError("roster exploded")

    async for door in open_door(core, connector, roster=broken_roster):
        await door.post(install(person=GRACE))  # Owen is no study admin: the roster is asked
        response = await door.post(message("schedule", person=OWEN))
        assert response.status_code == 200
        assert door.connector.sent("POST")[-1].body["text"].startswith("Sorry, something went")
        assert (await door.post(message("help"))).status_code == 200  # still serving
        failed = await door.post(execute("schedule", SCHEDULE, person=OWEN))
        assert failed.status_code == 200
        assert failed.json()["statusCode"] == 500
        assert failed.json()["type"] == "application/vnd.microsoft.error"


async def test_the_production_credentials_keep_authentication_on(
    core: Core, connector: Any
) -> None:
    """The real factory (no test credentials injected): a request without a token is refused."""
    from adapters.teams.auth import credentials_factory
    from adapters.teams.settings import AppType, TeamsSettings
    from tests.adapters.teams.conftest import APP_ID, open_door

    variants = [
        TeamsSettings(
            enabled=True,
            app_id=APP_ID,
            app_password="secret",
            app_type=AppType.SINGLE_TENANT,
            tenant_id=TENANT_A,
        ),
        TeamsSettings(
            enabled=True, app_id=APP_ID, app_password="secret", app_type=AppType.MULTI_TENANT
        ),
        TeamsSettings(
            enabled=True, app_id=APP_ID, app_type=AppType.USER_ASSIGNED_MSI, tenant_id=TENANT_A
        ),
    ]
    for settings in variants:
        factory = credentials_factory(settings)
        assert not await factory.is_authentication_disabled(), settings
        assert await factory.is_valid_app_id(APP_ID), settings
        async for door in open_door(core, connector, settings):
            refused = await door.post(install())
            assert refused.status_code == 401, settings
            assert refused.json()["error"]["message"].startswith("a valid Bot Framework token")
    assert connector.sent("POST") == []
    assert await count(core, teams_conversations) == 0
