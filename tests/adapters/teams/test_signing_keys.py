"""The signing keys: a hung key server never stalls the service; good keys are kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from adapters.slack.app import build_slack_door
from adapters.slack.http import slack_router
from adapters.teams.auth import CloudEndpoints
from adapters.teams.server import mount_teams
from adapters.teams.settings import AppType, TeamsSettings
from adapters.teams.signing_keys import SigningKeys, SigningKeysUnavailable
from adapters.web.app import create_web_app
from bot.service.context import Core
from tests.adapters.slack.conftest import SlackHarness, single_workspace
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.helpers import post_drop, study_channel
from tests.adapters.teams.conftest import APP_ID, TENANT_A, TeamsDoor, install
from tests.adapters.teams.credentials import StaticCredentials
from tests.adapters.teams.fake_connector import FakeConnector
from tests.adapters.teams.silent_server import SilentServer, silent_server
from tests.support.waiting import until

HUNG = 120.0  # seconds the key server holds and the fetch waits: the test hangs up long before
SETTINGS = TeamsSettings(
    enabled=True,
    app_id=APP_ID,
    app_password="secret",
    app_type=AppType.SINGLE_TENANT,
    tenant_id=TENANT_A,
)


@pytest.fixture
async def slack_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeSlack]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):  # reach the loopback fake directly
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def service(
    core: Core, slack_api: FakeSlack, connector: FakeConnector
) -> AsyncIterator[tuple[httpx.AsyncClient, SlackHarness, SilentServer]]:
    """Slack, Teams and the web door in one app; the Teams key endpoint never answers."""
    fake_slack = slack_api
    workspace = fake_slack.add_workspace("T1", "Contoso")
    slack_door = build_slack_door(
        core, single_workspace(fake_slack, workspace), count_refresh_seconds=0
    )
    app: FastAPI = create_web_app(core, playground=False)
    app.include_router(slack_router(slack_door))
    with silent_server(hold=HUNG) as silent:
        endpoints = CloudEndpoints(openid_metadata_url=silent.url, key_fetch_timeout=HUNG)
        mount_teams(
            app,
            core,
            SETTINGS,
            endpoints=endpoints,
            credentials=StaticCredentials(APP_ID, "outbound"),
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://studybot.test") as http:
            yield http, SlackHarness(core, fake_slack, slack_door, http, workspace), silent
    await slack_door.aclose()


async def test_a_hung_key_server_stalls_neither_health_nor_slack(
    service: tuple[httpx.AsyncClient, SlackHarness, SilentServer], connector: FakeConnector
) -> None:
    http, slack, silent = service
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    teams = TeamsDoor(http, None, connector)  # type: ignore[arg-type]
    forged = connector.token(APP_ID, connector.base_url + "/")
    pending = asyncio.ensure_future(teams.post(install(), token=forged))
    await until(lambda: silent.accepted >= 1, what="the key fetch to reach the key server")

    # The key fetch cannot end before the test hangs up on it, however slow the machine: what
    # completes meanwhile completes beside it, never after it (a fetch blocking the event loop
    # would let the Teams request finish first, or never let these finish at all).
    health = await http.get("/healthz")
    click = await slack.click(f"{card.drop_id}:{card.options[0].id}", response="k")
    assert not silent.released, "the key server let go first: the loop was blocked until then"
    assert not pending.done()  # the Teams request is still waiting for the keys
    assert health.status_code == 200
    assert click.status_code == 200

    silent.drop_connections()  # the key server fails: the waiting request gets 503, not 401
    refused = await asyncio.wait_for(pending, timeout=60)
    assert refused.status_code == 503
    assert "try again" in refused.json()["error"]["message"]
    before = silent.accepted
    again = await teams.post(install(), token=forged)  # the failure is remembered briefly
    assert again.status_code == 503
    assert silent.accepted == before
    assert connector.sent("POST") == []


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_good_keys_are_kept_when_a_refresh_fails(connector: FakeConnector) -> None:
    clock = Clock()
    keys = SigningKeys(connector.openid_url, timeout=2.0, failure_pause=30.0, monotonic=clock)
    first = await keys.get(connector.key_id)
    assert first is not None
    assert first.endorsements == ["msteams"]
    with silent_server(hold=30.0) as silent:
        keys.url = silent.url  # the key server now hangs
        clock.now += 25 * 3600  # the keys are old: a refresh is due and fails (timeout)
        kept = await keys.get(connector.key_id)
        assert kept is not None  # the last good keys still check tokens
        assert silent.accepted == 1
        clock.now += 10  # within the pause after a failure: no new fetch
        assert await keys.get(connector.key_id) is not None
        assert silent.accepted == 1
        assert await keys.get("unknown-kid") is None
        assert silent.accepted == 1


async def test_without_any_keys_a_failed_fetch_is_an_error_not_a_pass() -> None:
    with silent_server(hold=30.0) as silent:
        keys = SigningKeys(silent.url, timeout=1.0)
        with pytest.raises(SigningKeysUnavailable):
            await keys.get("test-key")
        with pytest.raises(SigningKeysUnavailable):  # paused: fails at once, no new fetch
            await keys.get("test-key")
        assert silent.accepted == 1


async def test_keys_are_fetched_at_start_when_credentials_are_set(
    core: Core, connector: FakeConnector
) -> None:
    fetched: list[str] = []
    original = connector.handle

    def recording(method: str, path: str, headers: Any, body: bytes) -> Any:
        fetched.append(path)
        return original(method, path, headers, body)

    connector.handle = recording  # type: ignore[method-assign]
    endpoints = CloudEndpoints(openid_metadata_url=connector.openid_url)
    mount_teams(FastAPI(), core, SETTINGS, endpoints=endpoints)
    await until(lambda: "/keys" in fetched, what="the keys to be fetched at start")
    local = CloudEndpoints(openid_metadata_url=connector.openid_url + "?local")
    mount_teams(FastAPI(), core, TeamsSettings(enabled=True, local_dev=True), endpoints=local)
    assert fetched.count("/openid") == 1  # no credentials: nothing to check, nothing fetched
