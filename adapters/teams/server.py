"""POST /api/messages: our own route into the CloudAdapter (authenticate, run the turn, answer)."""

from __future__ import annotations

import json
import logging
from typing import Any

import requests
from botbuilder.schema import Activity  # type: ignore[import-untyped]
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from adapters.teams.audience import AudienceCache, RosterPage, connector_roster_page
from adapters.teams.auth import CloudEndpoints, build_adapter, warm_signing_keys
from adapters.teams.bot import StudybotTeamsBot
from adapters.teams.platform import TeamsPlatform
from adapters.teams.roles import Roster, teams_roster
from adapters.teams.settings import TeamsSettings
from adapters.teams.signing_keys import SigningKeysUnavailable
from adapters.teams.translate import MalformedActivityError, identify
from bot.drop_life.live_count import LiveCount, shared_card_refresh
from bot.service.context import Core
from bot.service.pacing import Pacer

log = logging.getLogger("studybot.teams")
MAX_BODY = 256 * 1024  # Teams activities are far smaller
MAX_DEPTH = 64  # activities nest a dozen levels at most (card data included)
COUNT_INTERVAL = 15.0  # seconds between two updates of one drop's shared card
COUNTS_PER_TENANT_SECOND = 2  # count updates in any rolling second to one tenant


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": status, "message": message}}, status_code=status)


def _depth(value: object) -> int:
    """How deeply JSON objects and arrays nest in `value`, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def parse_activity(body: bytes) -> Any:
    """The activity in a request body; ValueError with a short reason when it is not one."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("the body is not JSON") from None
    except RecursionError:  # nested past the parser's own limit
        raise ValueError(f"the activity is nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(payload, dict):
        raise ValueError("the body is not a JSON object")
    if _depth(payload) > MAX_DEPTH:
        raise ValueError(f"the activity is nested more than {MAX_DEPTH} levels deep")
    try:
        activity = Activity().deserialize(payload)
    except Exception:  # msrest raises DeserializationError and assorted TypeErrors
        raise ValueError("the body is not a Bot Framework activity") from None
    if not activity.type or not isinstance(activity.type, str):
        raise ValueError("the activity has no type")
    if not activity.service_url or not activity.conversation or not activity.conversation.id:
        raise ValueError("the activity has no serviceUrl or conversation")
    try:
        identify(activity)
    except MalformedActivityError as exc:
        raise ValueError(str(exc)) from None
    return activity


def teams_router(adapter: Any, bot: StudybotTeamsBot) -> APIRouter:
    router = APIRouter()
    auth = adapter.bot_framework_authentication

    @router.post("/api/messages")
    async def messages(request: Request) -> Response:
        if "application/json" not in request.headers.get("content-type", ""):
            return _error(415, "send the activity as application/json")
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return _error(413, "the activity is too large")
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, "the activity is too large")
        try:
            activity = parse_activity(body)
        except ValueError as exc:
            return _error(400, str(exc))
        header = request.headers.get("authorization") or None
        try:
            authenticated = await auth.authenticate_request(activity, header)
        except (SigningKeysUnavailable, requests.RequestException) as exc:  # no keys to check with
            log.warning("Bot Framework key lookup failed: %s", type(exc).__name__)
            return _error(503, "cannot check the token right now; try again shortly")
        except Exception as exc:  # PermissionError, or a token the JWT library rejects
            log.info("rejected a Teams request: %s", type(exc).__name__)
            return _error(401, "a valid Bot Framework token is required")
        invoke = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if invoke is None:
            return Response(status_code=200)
        status = int(invoke.status or 200)
        if invoke.body is None:
            return Response(status_code=status)
        return JSONResponse(invoke.body, status_code=status)

    return router


def mount_teams(
    app: FastAPI,
    core: Core,
    settings: TeamsSettings,
    *,
    endpoints: CloudEndpoints | None = None,
    roster: Roster = teams_roster,
    credentials: Any = None,
    roster_page: RosterPage = connector_roster_page,
    live_count: dict[str, Any] | None = None,
) -> TeamsPlatform:
    """Serve the Teams door on `app` and connect its platform to the core; returns the platform."""
    adapter = build_adapter(settings, endpoints, credentials)
    audiences = AudienceCache(roster_page)
    platform = TeamsPlatform(adapter, core, settings.app_id, audiences)
    pacing = Pacer(per_channel_interval=1.0, per_org_rate=COUNTS_PER_TENANT_SECOND)
    options = {"interval": COUNT_INTERVAL, "pacer": pacing, **(live_count or {})}
    live = LiveCount(shared_card_refresh(core, platform), **options)
    bot = StudybotTeamsBot(core, roster, audiences=audiences, live_count=live)
    platform.live_count = live
    core.platforms[platform.platform] = platform
    app.include_router(teams_router(adapter, bot))
    if settings.authentication:
        warm_signing_keys(adapter)
    else:
        log.warning("Teams door runs WITHOUT authentication (STUDYBOT_TEAMS_LOCAL_DEV=on)")
    return platform
