"""Bot Framework authentication and the CloudAdapter, built from the Teams settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.core import CloudAdapterBase  # type: ignore[import-untyped]
from botbuilder.schema import CallerIdConstants  # type: ignore[import-untyped]
from botframework.connector.auth import (  # type: ignore[import-untyped]
    AuthenticationConstants,
    BotFrameworkAuthenticationFactory,
    ManagedIdentityServiceClientCredentialsFactory,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
)

from adapters.teams.connectors import CachingAuthentication
from adapters.teams.settings import AppType, TeamsSettings
from adapters.teams.signing_keys import TIMEOUT, SigningKeys, install_signing_keys

log = logging.getLogger("studybot.teams")


@dataclass(frozen=True)
class CloudEndpoints:
    """Where tokens come from and are checked: the public Azure cloud unless tests say otherwise."""

    openid_metadata_url: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
    token_issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
    login_url: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX
    oauth_scope: str = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
    oauth_url: str = AuthenticationConstants.OAUTH_URL
    emulator_openid_metadata_url: str = (
        AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
    )
    key_fetch_timeout: float = TIMEOUT  # seconds for each call fetching the signing keys

    @property
    def metadata_urls(self) -> list[str]:
        return [self.openid_metadata_url, self.emulator_openid_metadata_url]


def credentials_factory(settings: TeamsSettings) -> Any:
    """The SDK's credential factory for the app type; without an app id, authentication is off."""
    if settings.app_type is AppType.USER_ASSIGNED_MSI and settings.app_id:
        return ManagedIdentityServiceClientCredentialsFactory(settings.app_id)
    tenant = settings.tenant_id if settings.app_type is AppType.SINGLE_TENANT else None
    return PasswordServiceClientCredentialFactory(
        settings.app_id or None, settings.app_password or None, tenant
    )


def bot_framework_authentication(
    settings: TeamsSettings,
    endpoints: CloudEndpoints | None = None,
    credentials: ServiceClientCredentialsFactory | None = None,
) -> Any:
    endpoints = endpoints or CloudEndpoints()
    return BotFrameworkAuthenticationFactory.create(
        validate_authority=True,
        to_channel_from_bot_login_url=endpoints.login_url,
        to_channel_from_bot_oauth_scope=endpoints.oauth_scope,
        to_bot_from_channel_token_issuer=endpoints.token_issuer,
        oauth_url=endpoints.oauth_url,
        to_bot_from_channel_open_id_metadata_url=endpoints.openid_metadata_url,
        to_bot_from_emulator_open_id_metadata_url=endpoints.emulator_openid_metadata_url,
        caller_id=CallerIdConstants.public_azure_channel,
        credential_factory=credentials or credentials_factory(settings),
    )


class StudybotCloudAdapter(CloudAdapterBase):  # type: ignore[misc]
    """botbuilder-core's cloud adapter without the aiohttp `process` (our route calls
    process_activity); CloudAdapter in botbuilder-integration-aiohttp adds only that method."""


async def _on_turn_error(turn_context: Any, error: Exception) -> None:
    """A reactive turn failed: log it (no payloads, no secrets) and tell the member briefly."""
    log.error("Teams turn failed: %s: %s", type(error).__name__, error, exc_info=error)
    if turn_context.activity.type == "message":
        try:
            await turn_context.send_activity("Sorry, something went wrong on my side; try again.")
        except Exception as exc:  # the apology itself could not be sent; the log has the cause
            log.warning("could not send the error notice: %s", type(exc).__name__)


def build_adapter(
    settings: TeamsSettings,
    endpoints: CloudEndpoints | None = None,
    credentials: ServiceClientCredentialsFactory | None = None,
) -> Any:
    endpoints = endpoints or CloudEndpoints()
    authentication = bot_framework_authentication(settings, endpoints, credentials)
    adapter = StudybotCloudAdapter(CachingAuthentication(authentication))
    adapter.on_turn_error = _on_turn_error
    adapter.signing_keys = install_signing_keys(
        endpoints.metadata_urls, timeout=endpoints.key_fetch_timeout
    )
    return adapter


def warm_signing_keys(adapter: Any) -> None:
    """Fetch the channel's signing keys in the background now, so the first token does not wait."""
    keys: list[SigningKeys] = adapter.signing_keys
    keys[0].warm_in_background()
