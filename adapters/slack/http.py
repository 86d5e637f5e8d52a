"""Serves the Slack door over HTTP at /slack/events (and the OAuth install routes) in FastAPI."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from slack_bolt.adapter.starlette.async_handler import (
    AsyncSlackRequestHandler,
    to_starlette_response,
)
from slack_sdk.signature import SignatureVerifier

from adapters.slack.answering import read_answer_once
from adapters.slack.app import SlackDoor, build_slack_door
from adapters.slack.request_body import bolt_request
from adapters.slack.settings import SlackMode, SlackSettings
from adapters.slack.shapes import malformed
from bot.service.context import Core

log = logging.getLogger("studybot.slack")
EVENTS_PATH = "/slack/events"
MAX_BODY = 1 << 20  # Slack's payloads are far smaller; anything bigger is not from Slack
MAX_AGE_SECONDS = 5 * 60  # Slack's advice: refuse requests signed longer ago (replays)


def mount_slack(app: FastAPI, core: Core, settings: SlackSettings) -> SlackDoor:
    """Build the door and add its routes to the service (HTTP modes); returns the door."""
    door = build_slack_door(core, settings)
    if settings.mode is not SlackMode.SOCKET:
        routes = app.router.routes
        before = len(routes)
        app.include_router(slack_router(door))
        # Answer clicks are most of the traffic: try their route before the web pages'.
        added = routes[before:]
        del routes[before:]
        routes[0:0] = added
    return door


def slack_router(door: SlackDoor) -> APIRouter:
    router = APIRouter()
    handler = AsyncSlackRequestHandler(door.app)
    assert door.settings.signing_secret is not None
    verifier = SignatureVerifier(door.settings.signing_secret)

    @router.post(EVENTS_PATH)
    async def events(request: Request) -> Response:
        body = await read_limited(request, MAX_BODY)
        if body is None:
            log.info("Slack request refused: body larger than %d bytes", MAX_BODY)
            return PlainTextResponse("request too large", status_code=413)
        unsigned = signature_problem(verifier, body, request.headers)
        if unsigned:
            log.info("unsigned Slack request refused: %s", unsigned)
            return PlainTextResponse("invalid or missing Slack signature", status_code=401)
        try:
            parsed = bolt_request(request, body)  # parses the body once
        except Exception:
            parsed = None
        problem = (
            "body is not a Slack request"
            if parsed is None
            else malformed(parsed.body) or read_answer_once(parsed)
        )
        if problem or parsed is None:
            log.info("malformed Slack request refused: %s", problem)
            return PlainTextResponse(f"malformed request: {problem}", status_code=400)
        return to_starlette_response(await door.app.async_dispatch(parsed))

    if door.app.oauth_flow is not None:
        flow = door.app.oauth_flow

        @router.get(flow.install_path)
        async def install(request: Request) -> Response:
            return await handler.handle(request)

        @router.get(flow.redirect_uri_path)
        async def oauth_redirect(request: Request) -> Response:
            return await handler.handle(request)

    return router


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed `limit` bytes: a larger
    Content-Length is refused unread, and a chunked body is read no further than the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def signature_problem(
    verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]
) -> str | None:
    """Why the request is not signed by Slack with our secret (None when it is).

    slack_sdk's check raises on a timestamp that is not an integer, on a non-UTF-8 body and on a
    non-ASCII signature; each of those is simply an unsigned request here.
    """
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if timestamp is None or signature is None:
        return "no signature headers"
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "the timestamp is not a whole number of seconds"
    if not signature.isascii():
        return "the signature is not ASCII"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return "the timestamp is more than five minutes away"
    if not verifier.is_valid(text, timestamp, signature):
        return "the signature does not match"
    return None
