"""Builds the FastAPI application that serves every HTTP route of the service."""

from __future__ import annotations

from fastapi import FastAPI

from adapters.web.health import health_router
from adapters.web.playground import playground_router
from bot.service.context import Core


def create_web_app(core: Core, *, playground: bool) -> FastAPI:
    app = FastAPI(title="studybot", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.core = core
    app.include_router(health_router(core))
    if playground:
        app.include_router(playground_router(core))

    return app
