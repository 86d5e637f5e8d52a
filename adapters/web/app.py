"""Builds the FastAPI application that serves every HTTP route of the service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from adapters.web.dashboard_settings import DashboardSettings
from adapters.web.health import health_router
from adapters.web.metrics import RequestMetrics, metrics_router
from adapters.web.mount import mount_dashboard
from adapters.web.playground import playground_router
from adapters.web.request_ids import RequestIds
from bot.observability.metrics import watch
from bot.service.context import Core


def create_web_app(
    core: Core,
    *,
    playground: bool,
    dashboard: DashboardSettings | None = None,
    content_dir: Path | None = None,
    metrics_token: str | None = None,
) -> FastAPI:
    """Health always; the playground when on; the dashboard, admin pages and API with a key."""
    app = FastAPI(title="studybot", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.core = core
    app.include_router(health_router(core))
    app.include_router(metrics_router(metrics_token))
    app.add_middleware(RequestMetrics)
    app.add_middleware(RequestIds)  # outermost: the id is bound for everything below
    watch(core)
    if playground:
        app.include_router(playground_router(core))
    if dashboard is not None:
        mount_dashboard(app, core, dashboard, content_dir)
    return app
