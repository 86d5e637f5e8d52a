"""Serves the Slack door over HTTP at /slack/events (and the OAuth install routes) in FastAPI."""

from __future__ import annotations

import logging

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
from bot.service.context import Core

log = logging.getLogger("studybot.slack")
EVENTS_PATH = "/slack/events"
MAX_BODY = 1 << 20  # Slack's payloads are far smaller; anything bigger is not from Slack


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
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("request too large", status_code=413)
        if not verifier.is_valid_request(body, dict(request.headers)):
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


def malformed(body: object) -> str | None:
    """Why a signed, parsed body is not a Slack request we can read (None when it is)."""
    if not isinstance(body, dict) or not body:
        return "neither an event, an interaction nor a command"
    if "ssl_check" in body:
        return None
    if "command" in body:
        missing = [k for k in ("team_id", "channel_id", "user_id") if not body.get(k)]
        return f"slash command without {', '.join(missing)}" if missing else None
    kind = body.get("type")
    if not isinstance(kind, str):
        return "payload has no type"
    if kind == "event_callback" and not isinstance(body.get("event"), dict):
        return "event_callback without an event"
    if kind == "block_actions" and not isinstance(body.get("actions"), list):
        return "block_actions without actions"
    return None
