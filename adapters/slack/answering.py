"""Answer clicks: acknowledge within 3 s, record through the core, reply privately to the member."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from adapters.slack.deps import SlackDeps
from adapters.slack.render_question import (
    ANSWER_ACTION,
    CHOICE_BLOCK,
    PICK_ACTION,
    SUBMIT_ACTION,
    error_message,
    feedback_message,
)
from adapters.slack.translate import (
    MalformedPayload,
    answer_from_button,
    answer_from_checkboxes,
    channel_ref,
)
from bot.errors import StudybotError
from bot.service.answers import submit_answer
from bot.service.commands import SubmitAnswer
from bot.service.views import AnswerFeedback, AnswerStatus

log = logging.getLogger("studybot.slack")
BUTTON = re.compile(rf"^{ANSWER_ACTION}_[A-Z]$")
Next = Callable[[], Awaitable[None]]
UNRECORDED = (
    "Something went wrong and your answer may not have been recorded. Please click again: "
    "only your first recorded answer counts."
)


def register_answering(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(BUTTON, middleware=[_well_formed])
    async def on_button(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        drop_id, option_id = answer_from_button(body["actions"][0].get("value"))
        await _answer(deps, ack, body, _command(body, context, drop_id, (option_id,)))

    @app.action(SUBMIT_ACTION, middleware=[_well_formed])
    async def on_submit(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        drop_id, chosen = answer_from_checkboxes(
            body["actions"][0].get("value"), body.get("state"), CHOICE_BLOCK, PICK_ACTION
        )
        await _answer(deps, ack, body, _command(body, context, drop_id, chosen))

    @app.action(PICK_ACTION)
    async def on_pick(ack: AsyncAck) -> None:
        await ack()  # ticking a box records nothing; the submit button does


async def _well_formed(body: dict[str, Any], context: AsyncBoltContext, next: Next) -> Any:
    """400 for an answer request that does not have the shape of studybot's own messages."""
    try:
        action = body["actions"][0]
        if action.get("action_id") == SUBMIT_ACTION:
            answer_from_checkboxes(
                action.get("value"), body.get("state"), CHOICE_BLOCK, PICK_ACTION
            )
        else:
            answer_from_button(action.get("value"))
        if not isinstance(body["channel"]["id"], str) or not isinstance(body["user"]["id"], str):
            raise MalformedPayload("channel or user id missing")
        if not context.team_id:
            raise MalformedPayload("no workspace id")
    except (MalformedPayload, KeyError, IndexError, TypeError, AttributeError) as exc:
        log.info("malformed answer payload refused: %s", exc)
        return BoltResponse(status=400, body="malformed answer payload")
    await next()
    return None


def _command(
    body: dict[str, Any], context: AsyncBoltContext, drop_id: int, chosen: tuple[str, ...]
) -> SubmitAnswer:
    user = body["user"]
    # The workspace comes from the signed request, never from the button's value.
    assert context.team_id is not None
    return SubmitAnswer(
        channel=channel_ref(context.team_id, body["channel"]["id"]),
        drop_id=drop_id,
        user_id=user["id"],
        display_name=str(user.get("name") or user.get("username") or user["id"]),
        option_ids=chosen,
    )


async def _answer(deps: SlackDeps, ack: AsyncAck, body: dict[str, Any], cmd: SubmitAnswer) -> None:
    """Record first and acknowledge (an ack then means stored), unless that takes too long."""
    task = asyncio.ensure_future(submit_answer(deps.core, cmd))
    await asyncio.wait({task}, timeout=deps.ack_budget)
    await ack()
    deps.background.spawn(_follow_up(deps, task, body.get("response_url"), cmd), "answer reply")


async def _follow_up(
    deps: SlackDeps, task: asyncio.Future[AnswerFeedback], response_url: object, cmd: SubmitAnswer
) -> None:
    """Tell the member privately what became of the click; refresh the answer count."""
    try:
        feedback = await task
    except StudybotError as exc:
        await _reply(deps, response_url, error_message(str(exc)))
        return
    except Exception:
        log.exception("an answer could not be recorded")
        await _reply(deps, response_url, error_message(UNRECORDED))
        return
    await _reply(deps, response_url, feedback_message(feedback))
    if feedback.status is AnswerStatus.RECORDED:
        deps.counts.touch(cmd.channel, cmd.drop_id)


async def _reply(deps: SlackDeps, response_url: object, message: dict[str, Any]) -> None:
    if isinstance(response_url, str) and response_url.startswith(("https://", "http://")):
        await deps.replies.send(response_url, message)
    else:
        log.warning("an answer came without a response_url; no private reply was sent")
