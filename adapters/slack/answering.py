"""Answer clicks: acknowledge within 3 s, record through the core, reply privately to the member."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncBoltRequest

from adapters.slack.deps import SlackDeps
from adapters.slack.render_question import (
    ANSWER_ACTION,
    CHOICE_BLOCK,
    FIELD_ACTION,
    FIELDS_BLOCK,
    PICK_ACTION,
    SUBMIT_ACTION,
    error_message,
    feedback_message,
)
from adapters.slack.translate import (
    MalformedPayload,
    answer_from_button,
    answer_from_checkboxes,
    answer_from_selects,
    channel_ref,
)
from bot.errors import StudybotError
from bot.service.answers import queue_answer
from bot.service.commands import SubmitAnswer
from bot.service.views import AnswerFeedback, AnswerStatus

log = logging.getLogger("studybot.slack")
# The clicks that answer: an option's button, or the submit button under "choose two" boxes.
ANSWERING = re.compile(rf"^(?:{ANSWER_ACTION}_[A-Z]|{SUBMIT_ACTION})$")
ANSWER = "studybot_answer"  # bolt context key: the click's SubmitAnswer, parsed once
UNRECORDED = (
    "Something went wrong and your answer may not have been recorded. Please click again: "
    "only your first recorded answer counts."
)


def register_answering(app: AsyncApp, deps: SlackDeps) -> None:
    """Register first: bolt tries listeners in order, and answer clicks are most of the traffic."""

    @app.action(ANSWERING)
    async def on_answer(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await _answer(deps, ack, body, context)

    @app.action(re.compile(rf"^(?:{PICK_ACTION}|{FIELD_ACTION}\w+)$"))
    async def on_pick(ack: AsyncAck) -> None:
        await ack()  # ticking a box or choosing in a select records nothing; submitting does


def read_answer_once(request: AsyncBoltRequest) -> str | None:
    """For the HTTP route: parse an answer click for its listener; why it is malformed, if so.

    Other requests pass untouched. The listener then uses the parsed command (ANSWER).
    """
    if request.body.get("type") != "block_actions" or not _is_answer(request.body):
        return None
    try:
        request.context[ANSWER] = read_answer(request.body, request.context.team_id)
    except MalformedPayload as exc:
        return str(exc)
    return None


def _is_answer(body: dict[str, Any]) -> bool:
    """Whether a signed block_actions body is a click on one of studybot's answer buttons."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    action_id = action.get("action_id") if isinstance(action, dict) else None
    return isinstance(action_id, str) and ANSWERING.match(action_id) is not None


def read_answer(body: dict[str, Any], team_id: str | None) -> SubmitAnswer:
    """The core's command from an answer click; MalformedPayload when it is not studybot's shape.

    The workspace comes from the signed request (team_id), never from the button's value.
    """
    try:
        action = body["actions"][0]
        if action.get("action_id") == SUBMIT_ACTION and action.get("block_id") == FIELDS_BLOCK:
            drop_id, chosen = answer_from_selects(
                action.get("value"), body.get("state"), FIELDS_BLOCK, FIELD_ACTION
            )
        elif action.get("action_id") == SUBMIT_ACTION:
            drop_id, chosen = answer_from_checkboxes(
                action.get("value"), body.get("state"), CHOICE_BLOCK, PICK_ACTION
            )
        else:
            drop_id, option_id = answer_from_button(action.get("value"))
            chosen = (option_id,)
        user, channel_id = body["user"], body["channel"]["id"]
        if not isinstance(channel_id, str) or not isinstance(user["id"], str):
            raise MalformedPayload("channel or user id missing")
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise MalformedPayload(f"answer payload is missing or mistyped: {exc}") from None
    if not team_id:
        raise MalformedPayload("no workspace id")
    return SubmitAnswer(
        channel=channel_ref(team_id, channel_id),
        drop_id=drop_id,
        user_id=user["id"],
        display_name=str(user.get("name") or user.get("username") or user["id"]),
        option_ids=chosen,
    )


async def _answer(
    deps: SlackDeps, ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Record first and acknowledge (an ack then means stored), unless that takes too long."""
    cmd = context.get(ANSWER)  # parsed by the HTTP route; Socket Mode has no route
    if not isinstance(cmd, SubmitAnswer):
        try:
            cmd = read_answer(body, context.team_id)
        except MalformedPayload as exc:  # no HTTP status to refuse with: acknowledge, keep nothing
            log.info("malformed answer payload refused: %s", exc)
            await ack()
            return
    outcome = queue_answer(deps.core, cmd)
    await _settled(outcome, deps.ack_budget)
    await ack()
    deps.background.spawn(_follow_up(deps, outcome, body.get("response_url"), cmd), "answer reply")


async def _settled(future: asyncio.Future[Any], within: float) -> None:
    """Wait until the future is done or `within` seconds pass; never cancels it.

    asyncio.wait does the same with a task and more bookkeeping; this runs on every click.
    """
    if future.done():
        return
    loop = asyncio.get_running_loop()
    waiter = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    timer = loop.call_later(within, wake)
    future.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
        future.remove_done_callback(wake)


async def _follow_up(
    deps: SlackDeps,
    outcome: asyncio.Future[AnswerFeedback],
    response_url: object,
    cmd: SubmitAnswer,
) -> None:
    """Tell the member privately what became of the click; refresh the answer count."""
    try:
        feedback = await outcome
    except StudybotError as exc:
        await _reply(deps, response_url, error_message(str(exc)))
        return
    except Exception:
        log.exception("an answer could not be recorded")
        await _reply(deps, response_url, error_message(UNRECORDED))
        return
    await _reply(deps, response_url, feedback_message(feedback))
    if feedback.status is AnswerStatus.RECORDED:
        deps.counts.answered(cmd.channel, cmd.drop_id)


async def _reply(deps: SlackDeps, response_url: object, message: dict[str, Any]) -> None:
    if isinstance(response_url, str) and response_url.startswith(("https://", "http://")):
        await deps.replies.send(response_url, message)
    else:
        log.warning("an answer came without a response_url; no private reply was sent")
