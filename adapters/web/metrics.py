"""GET /metrics for Prometheus behind a bearer token, and the request-latency middleware.

/metrics answers 404 unless STUDYBOT_METRICS_TOKEN is set, and 401 without that token, so the
metrics are never public by accident; STUDYBOT_METRICS_PORT serves them on a port of their own.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.observability.metrics import HTTP_SECONDS, exposition

OFF = (
    "Metrics are off. Set STUDYBOT_METRICS_TOKEN to serve them here to Prometheus with that bearer "
    "token, or STUDYBOT_METRICS_PORT to serve them on a port of their own."
)


def metrics_router(token: str | None) -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if token is None:
            return PlainTextResponse(OFF, status_code=404)
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip(), token):
            return PlainTextResponse(
                "Send the metrics token as 'Authorization: Bearer <token>'.",
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="studybot metrics"'},
            )
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


def door_of(path: str) -> str:
    """Which door a request came in by, for the latency metric's label."""
    if path.startswith("/slack/"):
        return "slack"
    if path == "/api/messages":
        return "teams"
    return "web"


class RequestMetrics:
    """Times each HTTP request into studybot_http_request_duration_seconds (a plain ASGI
    middleware: Starlette's BaseHTTPMiddleware would add a task per request to the answer path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            door, method = door_of(scope.get("path", "")), scope.get("method", "")
            timer = HTTP_SECONDS.labels(door, template, method, f"{status // 100}xx")
            timer.observe(time.perf_counter() - started)
