"""Builds the Slack door for the configured mode: the bolt app, its listeners, the outbound port."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.answering import register_answering
from adapters.slack.authorize import StoredInstallationAuthorize, answer_unavailable
from adapters.slack.background import Background
from adapters.slack.deps import SlackDeps
from adapters.slack.home import register_home
from adapters.slack.installations import (
    DatabaseStateStore,
    EncryptedInstallationStore,
    TokenCipher,
)
from adapters.slack.lifecycle import register_lifecycle
from adapters.slack.platform import InstalledTokens, SlackPlatform, StaticToken, TokenSource
from adapters.slack.replies import PrivateReplies
from adapters.slack.rotation import TokenRefresher
from adapters.slack.settings import SlackMode, SlackSettings
from adapters.slack.slash import register_slash_command
from bot.drop_life.live_count import LiveCount, shared_card_refresh
from bot.observability import redaction as log_redaction
from bot.service.context import Core
from bot.service.lifecycle import record_installation
from bot.service.pacing import Pacer

log = logging.getLogger("studybot.slack")

# Keep in step with deploy/slack/manifest.yaml.
BOT_SCOPES = (
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "groups:history",
    "groups:read",
    "team:read",
    "users:read",
)
NOT_INSTALLED = (
    ":warning: studybot is not installed in this workspace (or it was removed). "
    "A workspace admin can install it again from the install link."
)
STATE_EXPIRATION = timedelta(minutes=10)
COUNT_REFRESH_SECONDS = 5.0
ACK_BUDGET_SECONDS = 2.0  # Slack wants the ack within 3 s; leave room for the network


@dataclass
class SlackDoor:
    """The running Slack door: the bolt app, the outbound platform and what they share."""

    settings: SlackSettings
    app: AsyncApp
    deps: SlackDeps

    @property
    def platform(self) -> SlackPlatform:
        return self.deps.platform

    async def settle(self) -> None:
        """Wait for the follow-ups and the count updates already started (tests)."""
        await self.deps.background.settle()
        await self.deps.counts.settle()

    async def aclose(self) -> None:
        await self.deps.background.aclose()
        await self.deps.counts.aclose()
        await self.deps.replies.aclose()


def build_slack_door(
    core: Core,
    settings: SlackSettings,
    *,
    count_refresh_seconds: float = COUNT_REFRESH_SECONDS,
    count_pacer: Pacer | None = None,
    ack_budget: float = ACK_BUDGET_SECONDS,
) -> SlackDoor:
    """The door for settings.mode; also registers its ChatPlatform as core.platforms['slack']."""
    if not settings.enabled:
        raise ValueError("the Slack door is off (STUDYBOT_SLACK_MODE=off)")
    log_redaction.install(
        (
            settings.signing_secret,
            settings.bot_token,
            settings.app_token,
            settings.client_secret,
            *settings.token_keys,
        )
    )
    installations: EncryptedInstallationStore | None = None
    tokens: TokenSource
    background = Background()
    kwargs: dict[str, Any] = {
        # bolt names its loggers after the app: keep them under studybot.slack (strict redaction)
        "name": "studybot.slack.app",
        # Unhandled requests reach on_error, which answers them quietly (bolt would log a
        # multi-line suggestion for each).
        "raise_error_for_unhandled_request": True,
        # Listeners ack themselves as soon as what matters is stored and hand the rest to
        # deps.background, so bolt returns the ack at once instead of polling for it.
        "process_before_response": True,
        # /slack/events verifies every request's signature before bolt sees it (http.py), and
        # Socket Mode has none: a second check in bolt would only cost time.
        "request_verification_enabled": False,
    }
    if settings.mode is SlackMode.OAUTH:
        assert settings.client_id is not None
        assert settings.client_secret is not None

        async def installed(installation: Installation) -> None:
            team = installation.team_id or installation.enterprise_id or ""
            name = installation.team_name or installation.enterprise_name or team
            await record_installation(core, "slack", team, name, installation.user_id)

        installations = EncryptedInstallationStore(
            core.db, TokenCipher(settings.token_keys), core.clock, on_install=installed
        )
        rotator = AsyncTokenRotator(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            client=AsyncWebClient(base_url=settings.api_url),
        )
        refresher = TokenRefresher(installations, rotator)
        tokens = InstalledTokens(installations, refresher)
        kwargs["client"] = AsyncWebClient(base_url=settings.api_url)
        kwargs["signing_secret"] = settings.signing_secret
        # No auth.test per request: the stored installation has all it would say (authorize.py).
        kwargs["authorize"] = StoredInstallationAuthorize(installations, refresher, background)
        kwargs["user_facing_authorize_error_message"] = NOT_INSTALLED
        kwargs["oauth_settings"] = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=list(BOT_SCOPES),
            redirect_uri=settings.redirect_uri,
            installation_store=installations,
            installation_store_bot_only=True,
            state_store=DatabaseStateStore(core.db, core.clock, STATE_EXPIRATION),
            state_expiration_seconds=int(STATE_EXPIRATION.total_seconds()),
        )
    else:
        assert settings.bot_token
        tokens = StaticToken(settings.bot_token)
        kwargs["client"] = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)
        if settings.mode is not SlackMode.SOCKET:
            kwargs["signing_secret"] = settings.signing_secret
    app = AsyncApp(**kwargs)
    platform = SlackPlatform(tokens, settings.api_url)
    deps = SlackDeps(
        core=core,
        platform=platform,
        counts=_live_count(core, platform, count_refresh_seconds, count_pacer),
        installations=installations,
        replies=PrivateReplies(),
        background=background,
        ack_budget=ack_budget,
    )
    if settings.mode is SlackMode.OAUTH:
        app.middleware(answer_unavailable)
    register_answering(app, deps)  # first: bolt tries listeners in order; clicks are the most
    register_lifecycle(app, deps)
    register_slash_command(app, deps)
    register_home(app, deps)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            log.info("Slack request not handled by studybot, answered 200: %s", _kind(body))
            return BoltResponse(status=200, body="")
        log.error("Slack request failed: %s: %s", type(error).__name__, error)
        return None

    core.platforms[platform.platform] = platform
    return SlackDoor(settings, app, deps)


def _live_count(
    core: Core, platform: SlackPlatform, interval: float, pacer: Pacer | None
) -> LiveCount:
    """The posted questions' answer counts, updated at most once per `interval` per question and
    once a second per workspace (chat.update allows about 50 a minute per workspace)."""
    pacer = pacer or Pacer(per_channel_interval=1.0, per_org_rate=1)
    return LiveCount(shared_card_refresh(core, platform), interval=interval, pacer=pacer)


def _kind(body: object) -> str:
    """What kind of request it was, for the log: its type and, for events, the event's type."""
    if not isinstance(body, dict):
        return "unknown"
    if "command" in body:
        return f"command {str(body['command'])[:40]}"
    event = body.get("event")
    sub = event.get("type") if isinstance(event, dict) else None
    kind = str(body.get("type"))[:40]
    return f"{kind} {str(sub)[:40]}" if sub else kind
