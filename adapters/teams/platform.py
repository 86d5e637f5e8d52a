"""The core's ChatPlatform for Teams: proactive posts and card updates via continue_conversation.

No retries and no sleeping here: every failure becomes a DeliveryError for the core's delivery
engine, and none is left to the adapter's on_turn_error.
"""

from __future__ import annotations

from typing import Any

from botbuilder.schema import ConversationReference  # type: ignore[import-untyped]

from adapters import plain_text
from adapters.teams import render
from adapters.teams.conversations import load_reference
from adapters.teams.delivery_errors import delivery_error
from adapters.teams.replies import card_activity, text_activity, update_activity
from adapters.teams.translate import PLATFORM
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core
from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest


class TeamsPlatform:
    platform = PLATFORM

    def __init__(self, adapter: Any, core: Core, app_id: str) -> None:
        self._adapter = adapter
        self._core = core
        self._app_id = app_id

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        summary = f"Question #{card.seq}: {card.domain_name}"
        return await self._send(channel, card_activity(render.question_card(card), summary))

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        summary = f"Answer to question #{card.question.seq}"
        activity = update_activity(message_id, render.reveal_card(card), summary)
        await self._run(channel, "update the question", lambda tc: tc.update_activity(activity))

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        return await self._send(channel, text_activity(text))

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        summary = plain_text.daily_result_text(result)
        return await self._send(channel, card_activity(render.daily_result_card(result), summary))

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        summary = plain_text.digest_title(digest)
        return await self._send(channel, card_activity(render.weekly_digest_card(digest), summary))

    async def _send(self, channel: ChannelRef, activity: Any) -> str:
        response = await self._run(channel, "post", lambda tc: tc.send_activity(activity))
        if response is None or not getattr(response, "id", None):
            raise DeliveryError(
                "Teams accepted the post but returned no message id", permanent=False
            )
        return str(response.id)

    async def _run(self, channel: ChannelRef, action: str, operation: Any) -> Any:
        stored = await load_reference(self._core, channel)
        if stored is None:
            raise DeliveryError(
                f"studybot is not installed where {channel.channel_id} is (no conversation "
                "reference); add the app to the team again",
                permanent=True,
            )
        reference = ConversationReference().deserialize(stored)
        outcome: dict[str, Any] = {}

        async def callback(turn_context: Any) -> None:
            try:
                _without_sdk_retries(turn_context, self._adapter)
                outcome["result"] = await operation(turn_context)
            except Exception as exc:  # kept for the caller; on_turn_error must not swallow it
                outcome["error"] = exc

        try:
            await self._adapter.continue_conversation(reference, callback, bot_app_id=self._app_id)
        except Exception as exc:  # creating the connector (credentials) failed
            raise delivery_error(exc, action) from exc
        if "error" in outcome:
            raise delivery_error(outcome["error"], action) from outcome["error"]
        if "result" not in outcome:
            raise DeliveryError(
                f"could not {action}: the turn ended without a result", permanent=False
            )
        return outcome["result"]


def _without_sdk_retries(turn_context: Any, adapter: Any) -> None:
    """msrest retries some failed calls (and sleeps Retry-After) by itself; the core's delivery
    engine owns retries, so this turn's connector sends each request exactly once.

    The connector's requests session already holds its Retry object, so it is changed in place.
    """
    client = turn_context.turn_state.get(adapter.BOT_CONNECTOR_CLIENT_KEY)
    if client is None:
        return
    retry_policy = client.config.retry_policy
    retry_policy.retries = 0
    retry_policy.policy.status_forcelist = frozenset()
    retry_policy.policy.respect_retry_after_header = False
