"""The SDK's per-turn clients are reused per app id, service URL and audience, up to a bound."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botframework.connector.auth import AuthenticationConstants  # type: ignore[import-untyped]

from adapters.teams.connectors import CachingAuthentication


@dataclass
class Claims:
    claims: dict[str, str]


@dataclass
class Result:
    connector_factory: Any
    claims_identity: Claims


@dataclass
class Factory:
    made: list[tuple[str, str | None]] = field(default_factory=list)

    async def create(self, service_url: str, audience: str | None = None) -> object:
        self.made.append((service_url, audience))
        return object()


@dataclass
class Inner:
    """The SDK's authentication: a fresh connector factory and token client every time."""

    factory: Factory = field(default_factory=Factory)
    token_clients: int = 0

    async def authenticate_request(self, activity: Any, auth_header: str | None) -> Result:
        return Result(self.factory, claims_for(str(activity)))

    async def create_user_token_client(self, claims_identity: Any) -> object:
        self.token_clients += 1
        return object()


def claims_for(app_id: str) -> Claims:
    return Claims({AuthenticationConstants.AUDIENCE_CLAIM: app_id})


async def test_clients_are_reused_per_app_service_url_and_audience() -> None:
    inner = Inner()
    auth = CachingAuthentication(inner, size=2)

    async def connector(app_id: str, url: str) -> object:
        result = await auth.authenticate_request(app_id, "Bearer x")
        return await result.connector_factory.create(url, "aud")

    first = await connector("app-1", "https://smba/emea/")
    assert await connector("app-1", "https://smba/emea/") is first
    second = await connector("app-2", "https://smba/emea/")  # another app id: its own client
    assert second is not first
    assert len(inner.factory.made) == 2
    await connector("app-1", "https://smba/amer/")  # a third client: the bound of 2 evicts
    assert await connector("app-2", "https://smba/emea/") is second
    assert await connector("app-1", "https://smba/emea/") is not first  # the oldest went
    assert len(inner.factory.made) == 4
    token = await auth.create_user_token_client(claims_for("app-1"))
    assert await auth.create_user_token_client(claims_for("app-1")) is token
    assert inner.token_clients == 1
