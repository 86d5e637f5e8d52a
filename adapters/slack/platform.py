"""The core's outbound port on Slack: post and update questions, post text; no retries here."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery_errors import translate
from adapters.slack.render_question import METADATA_EVENT, question_message, reveal_message
from adapters.slack.render_reports import (
    daily_result_message,
    text_message,
    weekly_digest_message,
)
from adapters.slack.rotation import TokenRefresher
from bot.ports import ChannelRef, DeliveryError
from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest

PLATFORM = "slack"
FIND_PAGES = 3  # up to 600 newest messages: a drop being re-posted is at most hours old
FIND_LIMIT = 15  # messages per history page since a given time


class TokenSource(Protocol):
    async def bot_token(self, team_id: str) -> str:
        """The bot token for the workspace; DeliveryError(permanent=True) when there is none."""
        ...


class StaticToken:
    """One workspace: the bot token from the settings."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def bot_token(self, team_id: str) -> str:
        return self._token


class InstalledTokens:
    """Many workspaces: the token saved when the workspace installed the app, refreshed first
    when the app uses token rotation and it expires within two hours (as bolt does)."""

    def __init__(
        self, store: AsyncInstallationStore, refresher: TokenRefresher | None = None
    ) -> None:
        self._store = store
        self._refresher = refresher

    async def bot_token(self, team_id: str) -> str:
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            raise DeliveryError(
                f"studybot is not installed in Slack workspace {team_id}", permanent=True
            )
        if self._refresher is not None and TokenRefresher.due(bot):
            try:
                bot = await self._refresher.refresh(bot)
            except Exception as exc:
                raise translate(exc, "refresh the bot token") from exc
        return bot.bot_token


class SlackPlatform:
    """Implements bot.ports.ChatPlatform. A message id is the message's `ts` in its channel."""

    platform = PLATFORM

    def __init__(self, tokens: TokenSource, api_url: str) -> None:
        self._tokens = tokens
        self._api_url = api_url

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        return await self._post(channel, question_message(card), "post a question")

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        await self.update(channel, message_id, reveal_message(card), "reveal an answer")

    async def update_count(self, channel: ChannelRef, message_id: str, card: QuestionCard) -> None:
        """Show the question again with its current answer count."""
        await self.update(channel, message_id, question_message(card), "update a question")

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        return await self._post(channel, text_message(text), "post a message")

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        return await self._post(channel, daily_result_message(result), "post the daily result")

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        return await self._post(channel, weekly_digest_message(digest), "post the weekly digest")

    async def post_direct(self, channel: ChannelRef, user_id: str, text: str) -> str:
        """A message in the app's direct conversation with the person (the Messages tab of its
        App Home): chat.postMessage with their user id as the channel, under chat:write."""
        if not user_id:
            raise DeliveryError("no Slack user id to send a private message to", permanent=True)
        message = text_message(text)
        return await self._post(channel, message, "send a private message", to=user_id)

    async def find_question(
        self, channel: ChannelRef, drop_id: int, since: datetime | None = None
    ) -> str | None:
        """The ts of the question message posted for the drop, found by its metadata.

        The delivery engine asks before posting a drop again whose earlier holder started to post
        it and died before recording it. With `since` (when that post started), only messages
        from then on are read, a page of FIND_LIMIT (Slack's cap for apps outside the Marketplace);
        the engine paces these calls. Without it, the channel's newest messages are searched.
        """
        client = await self._client(channel)
        cursor: str | None = None
        window: dict[str, Any] = (
            {"oldest": f"{since.timestamp():.6f}", "limit": FIND_LIMIT}
            if since is not None
            else {"limit": 200}
        )
        for _ in range(FIND_PAGES):
            try:
                response = await client.conversations_history(
                    channel=channel.channel_id, include_all_metadata=True, cursor=cursor, **window
                )
            except Exception as exc:
                raise translate(exc, "look for a posted question") from exc
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and payload.get("drop_id") == drop_id
                ):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                break
        return None

    async def update(
        self, channel: ChannelRef, message_id: str, message: dict[str, Any], action: str
    ) -> None:
        client = await self._client(channel)
        try:
            await client.chat_update(channel=channel.channel_id, ts=message_id, **message)
        except Exception as exc:
            raise translate(exc, action) from exc

    async def _post(
        self, channel: ChannelRef, message: dict[str, Any], action: str, *, to: str | None = None
    ) -> str:
        """Post in the channel, or (`to`, a user id) in the app's DM with that person."""
        client = await self._client(channel)
        try:
            response = await client.chat_postMessage(channel=to or channel.channel_id, **message)
        except Exception as exc:
            raise translate(exc, action) from exc
        ts = response.get("ts")
        if not isinstance(ts, str):
            raise DeliveryError(f"Slack did not return a message id to {action}", permanent=False)
        return ts

    async def _client(self, channel: ChannelRef) -> AsyncWebClient:
        if channel.platform != PLATFORM:
            raise DeliveryError(f"{channel.platform} channel given to Slack", permanent=True)
        token = await self._tokens.bot_token(channel.org_external_id)
        # retry_handlers=[]: the core's delivery engine owns retries, backoff and pacing.
        return AsyncWebClient(token=token, base_url=self._api_url, retry_handlers=[])
