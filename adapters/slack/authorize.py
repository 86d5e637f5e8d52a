"""OAuth mode's authorize: the request's workspace from our installation store, no auth.test.

bolt's installation-store authorize calls auth.test with the stored token on every request
(its cache is off by default), so a slow or rate-limited Slack delayed every click or told the
member studybot was not installed. Everything auth.test would tell is saved at install time, so
this authorize builds bolt's AuthorizeResult from the stored installation alone. A rotating
token is refreshed as bolt does, within 120 minutes of expiry; while the stored one is still
valid the refresh runs after the ack. A Slack error while a token must be refreshed first is a
temporary failure (TEMPORARY), never "not installed".
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.authorization.authorize_result import AuthorizeResult
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError, SlackTokenRotationError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot

from adapters.slack.background import Background
from adapters.slack.delivery_errors import error_code
from adapters.slack.rotation import TokenRefresher

log = logging.getLogger("studybot.slack")
UNAVAILABLE = "studybot_authorize_unavailable"  # bolt context key: why authorize could not finish
TEMPORARY = (
    ":warning: studybot couldn't reach Slack to confirm this workspace's access just now, so "
    "nothing was recorded or changed. Please try again in a minute."
)
SLACK_FAILURES = (
    SlackApiError,
    SlackTokenRotationError,
    SlackClientError,
    aiohttp.ClientError,
    asyncio.TimeoutError,
    OSError,
)


class StoredInstallationAuthorize(AsyncAuthorize):
    """bolt's authorize for OAuth mode, built from the stored bot installation only."""

    def __init__(
        self, store: AsyncInstallationStore, refresher: TokenRefresher, background: Background
    ) -> None:
        self._store = store
        self._refresher = refresher
        self._background = background

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        bot = await self._store.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=context.is_enterprise_install,
        )
        if bot is None:
            return None  # bolt tells the member studybot is not installed
        if TokenRefresher.due(bot):
            if TokenRefresher.usable(bot):
                self._background.spawn(self._refresh_later(bot), "bot token refresh")
            else:
                try:
                    bot = await self._refresher.refresh(bot)
                except SLACK_FAILURES as exc:
                    log.warning(
                        "authorize: the expired bot token of workspace %s could not be "
                        "refreshed: %s",
                        team_id,
                        _reason(exc),
                    )
                    context[UNAVAILABLE] = _reason(exc)
                    return _result(bot, user_id, token=None)
        return _result(bot, user_id, token=bot.bot_token)

    async def _refresh_later(self, bot: Bot) -> None:
        try:
            await self._refresher.refresh(bot)
        except SLACK_FAILURES as exc:  # the stored token still works; the next request retries
            log.warning(
                "the bot token of workspace %s could not be refreshed yet: %s",
                bot.team_id,
                _reason(exc),
            )


async def answer_unavailable(
    req: AsyncBoltRequest,
    context: AsyncBoltContext,
    next: Callable[[], Awaitable[BoltResponse]],
) -> BoltResponse:
    """Global middleware: when authorize could not finish, say so and stop the request."""
    if UNAVAILABLE not in context:
        return await next()
    if context.response_url is not None and context.respond is not None:
        await context.respond(text=TEMPORARY, response_type="ephemeral", replace_original=False)
        return BoltResponse(status=200, body="")
    if req.body.get("type") == "view_submission":
        errors = {"days": TEMPORARY}  # the schedule modal is studybot's only view
        body = json.dumps({"response_action": "errors", "errors": errors})
        return BoltResponse(status=200, body=body, headers={"content-type": "application/json"})
    if req.body.get("type") == "event_callback":
        return BoltResponse(status=503, body="")  # Slack delivers the event again later
    return BoltResponse(status=200, body=TEMPORARY)


def _result(bot: Bot, user_id: str | None, token: str | None) -> AuthorizeResult:
    return AuthorizeResult(
        enterprise_id=bot.enterprise_id,
        team_id=bot.team_id,
        team=bot.team_name,
        bot_user_id=bot.bot_user_id,
        bot_id=bot.bot_id,
        bot_token=token,
        bot_scopes=bot.bot_scopes,
        user_id=user_id,
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackTokenRotationError):
        exc = exc.api_error
    if isinstance(exc, SlackApiError):
        return error_code(exc)
    return type(exc).__name__
