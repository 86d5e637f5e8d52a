"""Reuses the SDK's per-turn clients: building a msrest client costs milliseconds of CPU.

botbuilder-core builds a new Bot Connector client and a new user-token client for every inbound
activity (about 3 ms of CPU each in msrest's retry-policy set-up), and a new HTTP session with
them. This wrapper keeps them per app id, service URL and audience instead. Proactive turns
(continue_conversation) still get fresh clients, which the ChatPlatform configures per call.
"""

from __future__ import annotations

from typing import Any

from botframework.connector.auth import (  # type: ignore[import-untyped]
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ConnectorFactory,
)
from cachetools import LRUCache

MAX_CLIENTS = 1024  # Teams uses a service URL per region (or per tenant): a small, bounded set
Key = tuple[str | None, ...]  # the app id, and the service URL and audience of a connector


class _CachedConnectorFactory(ConnectorFactory):  # type: ignore[misc]
    def __init__(self, inner: Any, app_id: str | None, cache: LRUCache[Key, Any]) -> None:
        self._inner = inner
        self._app_id = app_id
        self._cache = cache

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (self._app_id, service_url, audience)
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            self._cache[key] = client
        return client


def _app_id(claims_identity: Any) -> str | None:
    claims = getattr(claims_identity, "claims", None) or {}
    value = claims.get(AuthenticationConstants.AUDIENCE_CLAIM) or claims.get(
        AuthenticationConstants.APP_ID_CLAIM
    )
    return str(value) if value else None


class CachingAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """Delegates to the SDK's authentication; reuses the clients of inbound turns."""

    def __init__(self, inner: Any, size: int = MAX_CLIENTS) -> None:
        self.inner = inner
        self._connectors: LRUCache[Key, Any] = LRUCache(size)
        self._token_clients: LRUCache[Key, Any] = LRUCache(size)

    async def authenticate_request(self, activity: Any, auth_header: str | None) -> Any:
        result = await self.inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _CachedConnectorFactory(
                result.connector_factory, _app_id(result.claims_identity), self._connectors
            )
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id: str) -> Any:
        return await self.inner.authenticate_streaming_request(auth_header, channel_id)

    def create_connector_factory(self, claims_identity: Any) -> Any:
        return self.inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        key = (_app_id(claims_identity),)
        client = self._token_clients.get(key)
        if client is None:
            client = await self.inner.create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client

    def create_bot_framework_client(self) -> Any:
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return str(self.inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> Any:
        return await self.inner.authenticate_channel_request(auth_header)
