"""The core's ChatPlatform for Teams: proactive posts and card updates via continue_conversation.

No retries and no sleeping here: every failure becomes a DeliveryError for the core's delivery
engine (or the live count's pacing), and none is left to the adapter's on_turn_error.

Question and reveal cards carry a Universal Actions `refresh` (see audience.py), so that each
member's client shows that member's own view; the core's live count brings the shared card's
answer count up to date (bot/drop_life/live_count.py), through `update_count` and
`update_question`: this door only renders and sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botbuilder.schema import (  # type: ignore[import-untyped]
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)

from adapters import plain_text
from adapters.teams import render
from adapters.teams.audience import AudienceCache, roster_conversation
from adapters.teams.conversations import load_place
from adapters.teams.delivery_errors import delivery_error
from adapters.teams.replies import card_activity, text_activity, update_activity
from adapters.teams.translate import PLATFORM
from bot.drop_life.live_count import LiveCount
from bot.ports import ChannelRef, DeliveryError
from bot.service.context import Core
from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest


class TeamsPlatform:
    platform = PLATFORM

    def __init__(
        self, adapter: Any, core: Core, app_id: str, audiences: AudienceCache | None = None
    ) -> None:
        self._adapter = adapter
        self._core = core
        self._app_id = app_id
        self.audiences = audiences or AudienceCache()
        self.live_count: LiveCount | None = None  # set by mount_teams (tests settle it)

    async def _refresh(self, turn_context: Any, place: Place, drop_id: int) -> render.Card:
        user_ids = await self.audiences.audience(turn_context, place.tenant_id, place.roster)
        return render.refresh_for(drop_id, user_ids)

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        summary = f"Question #{card.seq}: {card.domain_name}"

        async def send(turn_context: Any, place: Place) -> Any:
            refresh = await self._refresh(turn_context, place, card.drop_id)
            posted = render.question_card(card, refresh=refresh)
            return await turn_context.send_activity(card_activity(posted, summary))

        response = await self._run(channel, "post", send)
        return _message_id(response)

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        await self._put(channel, message_id, card, "update the question")

    async def _put(
        self, channel: ChannelRef, message_id: str, card: QuestionCard | RevealCard, action: str
    ) -> None:
        """Replace the posted card with the question (its count) or with the reveal."""

        async def put(turn_context: Any, place: Place) -> Any:
            if isinstance(card, RevealCard):
                refresh = await self._refresh(turn_context, place, card.question.drop_id)
                shown = render.reveal_card(card, refresh=refresh)
                summary = f"Answer to question #{card.question.seq}"
            else:
                refresh = await self._refresh(turn_context, place, card.drop_id)
                shown = render.question_card(card, refresh=refresh)
                summary = f"Question #{card.seq}: {card.domain_name}"
            return await turn_context.update_activity(update_activity(message_id, shown, summary))

        await self._run(channel, action, put)

    async def update_count(self, channel: ChannelRef, message_id: str, card: QuestionCard) -> None:
        await self._put(channel, message_id, card, "update the answer count")

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        return await self._send(channel, text_activity(text))

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        summary = plain_text.daily_result_text(result)
        return await self._send(channel, card_activity(render.daily_result_card(result), summary))

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        summary = plain_text.digest_title(digest)
        return await self._send(channel, card_activity(render.weekly_digest_card(digest), summary))

    async def post_direct(self, channel: ChannelRef, user_id: str, text: str) -> str:
        """A message in the person's personal chat with the app, found through the channel's
        team: the member (their Entra object id) is looked up in the team's roster for their
        Teams id, then the 1:1 conversation is created (Teams hands back the existing one) and
        the text sent there, all on the team's service URL and tenant."""
        if not user_id:
            raise DeliveryError("no Teams user id to send a private message to", permanent=True)

        async def send(turn_context: Any, place: Place) -> Any:
            client = turn_context.turn_state.get(self._adapter.BOT_CONNECTOR_CLIENT_KEY)
            member = await client.conversations.get_conversation_member(place.roster, user_id)
            bot = turn_context.activity.recipient
            tenant = {"id": place.tenant_id}
            created = await client.conversations.create_conversation(
                ConversationParameters(
                    is_group=False,
                    bot=bot,
                    members=[ChannelAccount(id=member.id)],
                    tenant_id=place.tenant_id,
                    channel_data={"tenant": tenant},
                )
            )
            activity = text_activity(text)
            activity.from_property = bot
            activity.conversation = ConversationAccount(
                id=created.id, conversation_type="personal", tenant_id=place.tenant_id
            )
            activity.channel_data = {"tenant": tenant}
            return await client.conversations.send_to_conversation(created.id, activity)

        return _message_id(await self._run(channel, "send a private message", send))

    async def _send(self, channel: ChannelRef, activity: Any) -> str:
        response = await self._run(channel, "post", lambda tc, _place: tc.send_activity(activity))
        return _message_id(response)

    async def _run(self, channel: ChannelRef, action: str, operation: Any) -> Any:
        stored = await load_place(self._core, channel)
        if stored is None:
            raise DeliveryError(
                f"studybot is not installed where {channel.channel_id} is (no conversation "
                "reference); add the app to the team again",
                permanent=True,
            )
        reference_data, conversation_id, team_id = stored
        reference = ConversationReference().deserialize(reference_data)
        place = Place(channel.org_external_id, roster_conversation(conversation_id, team_id))
        outcome: dict[str, Any] = {}

        async def callback(turn_context: Any) -> None:
            try:
                _without_sdk_retries(turn_context, self._adapter)
                outcome["result"] = await operation(turn_context, place)
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


@dataclass(frozen=True)
class Place:
    """Where a proactive turn posts: the tenant, and whose roster decides the card's refresh."""

    tenant_id: str
    roster: str  # the team id for a channel, else the conversation id


def _message_id(response: Any) -> str:
    if response is None or not getattr(response, "id", None):
        raise DeliveryError("Teams accepted the post but returned no message id", permanent=False)
    return str(response.id)


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
