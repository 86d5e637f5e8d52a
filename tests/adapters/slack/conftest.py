"""Fixtures: a started fake Slack, the service with the Slack door mounted, signed requests."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from cryptography.fernet import Fernet
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackDoor, build_slack_door
from adapters.slack.http import slack_router
from adapters.slack.settings import SlackSettings
from adapters.web.app import create_web_app
from bot.service.context import Core
from bot.service.pacing import Pacer
from tests.adapters.slack.fake_slack import FakeSlack, Workspace

SIGNING_SECRET = "test-signing-secret"
OAUTH_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def no_outbound_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loopback fakes are reached directly, whatever proxy the machine has set."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@dataclass
class SlackHarness:
    """The service's HTTP app with the Slack door, and a signed-request client for it."""

    core: Core
    fake: FakeSlack
    door: SlackDoor
    http: httpx.AsyncClient
    workspace: Workspace
    secret: str = SIGNING_SECRET

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(
            timestamp=ts, body=body
        )
        assert signature is not None
        return await self.http.post(
            "/slack/events",
            content=body.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature,
                **(headers or {}),
            },
        )

    async def interact(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.send(body, "application/x-www-form-urlencoded", **kwargs)

    async def event(
        self, event: dict[str, Any], event_id: str, team_id: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        body = {
            "type": "event_callback",
            "token": "legacy",
            "team_id": team_id or self.workspace.team_id,
            "api_app_id": "A1",
            "event": event,
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": team_id or self.workspace.team_id,
                    "user_id": self.workspace.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
        return await self.send(json.dumps(body), "application/json", **kwargs)

    async def command(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        team_id: str | None = None,
        trigger_id: str = "trigger-1",
        response: str = "cmd",
    ) -> httpx.Response:
        form = {
            "token": "legacy",
            "team_id": team_id or self.workspace.team_id,
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "study",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/studybot",
            "text": text,
            "api_app_id": "A1",
            "response_url": self.fake.response_url(response),
            "trigger_id": trigger_id,
        }
        return await self.send(urlencode(form), "application/x-www-form-urlencoded")

    async def click(
        self,
        value: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        team_id: str | None = None,
        label: str = "A",
        response: str = "click",
    ) -> httpx.Response:
        return await self.interact(
            block_actions(
                team_id or self.workspace.team_id,
                channel,
                user,
                {
                    "action_id": f"studybot_answer_{label}",
                    "block_id": "studybot_options",
                    "type": "button",
                    "value": value,
                    "action_ts": "1.2",
                },
                self.fake.response_url(response),
            )
        )


def block_actions(
    team_id: str,
    channel: str,
    user: str,
    action: dict[str, Any],
    response_url: str,
    state: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "example"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": channel},
        "trigger_id": "trigger-2",
        "channel": {"id": channel, "name": "study"},
        "message": {"ts": "1.1", "text": "question"},
        "response_url": response_url,
        "actions": [action],
    }
    if state is not None:
        payload["state"] = {"values": state}
    return payload


async def harness_for(
    core: Core,
    fake: FakeSlack,
    settings: SlackSettings,
    workspace: Workspace,
    ack_budget: float = 2.0,
    count_pacer: Pacer | None = None,
) -> AsyncIterator[SlackHarness]:
    """The door with count updates at once, unpaced unless `count_pacer` says otherwise."""
    pacer = count_pacer or Pacer(per_channel_interval=0.0, per_org_rate=1000)
    door = build_slack_door(
        core, settings, count_refresh_seconds=0, count_pacer=pacer, ack_budget=ack_budget
    )
    app = create_web_app(core, playground=False)
    app.include_router(slack_router(door))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://studybot.test") as http:
        yield SlackHarness(core, fake, door, http, workspace)
    await door.aclose()


@pytest.fixture
async def slack(core: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    """Single-workspace mode: workspace T1 with its bot token and signing secret."""
    ws = fake_slack.add_workspace("T1", "Contoso")
    async for harness in harness_for(core, fake_slack, single_workspace(fake_slack, ws), ws):
        yield harness


def single_workspace(fake: FakeSlack, ws: Workspace) -> SlackSettings:
    return SlackSettings.from_env(
        {
            "STUDYBOT_SLACK_MODE": "single",
            "STUDYBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "STUDYBOT_SLACK_BOT_TOKEN": ws.token,
            "STUDYBOT_SLACK_API_URL": fake.api_url,
        }
    )


@pytest.fixture
async def oauth(core: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    """Distributed mode: nothing installed yet; h.workspace (T7) is the one to install."""
    settings = SlackSettings.from_env(
        {
            "STUDYBOT_SLACK_MODE": "oauth",
            "STUDYBOT_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "STUDYBOT_SLACK_CLIENT_ID": fake_slack.client_id,
            "STUDYBOT_SLACK_CLIENT_SECRET": fake_slack.client_secret,
            "STUDYBOT_SLACK_TOKEN_KEY": OAUTH_KEY,
            "STUDYBOT_SLACK_API_URL": fake_slack.api_url,
        }
    )
    ws = Workspace("T7", "Fabrikam", "xoxb-T7-secret-token", "UBT7", "BT7")
    async for harness in harness_for(core, fake_slack, settings, ws):
        harness.http.base_url = "https://studybot.test"  # the state cookie is Secure
        yield harness
