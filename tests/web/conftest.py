"""Fixtures for the web door: the service app with the dashboard mounted, over each database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.web.app import create_web_app
from bot.service.context import Core
from tests.conftest import MINIPACK
from tests.web.dashboard_support import SETTINGS


@pytest.fixture
async def web(core: Core) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app with the dashboard, admin pages and API (playground off)."""
    app = create_web_app(core, playground=False, dashboard=SETTINGS, content_dir=MINIPACK)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
