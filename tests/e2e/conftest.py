"""Browser tests: a real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright,
against the whole service on a loopback port. Skipped with a reason where Chromium or
Playwright is missing, except in CI (CI=true), where that is a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.service.context import Core
from tests.fakes import FakeClock
from tests.web.live_server import LiveServer
from tests.web.live_service import service_builder

CHROMIUM = Path(os.environ.get("STUDYBOT_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AZ400 = ROOT / "content" / "az400"  # the real exam pack: five domains on the pages
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: sync Playwright runs an event loop on this thread while it is open, which
    async tests elsewhere in the session must not find still running."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    yield opened
    context.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, Core, FakeClock]]:
    """The seeded service (playground, dashboard, admin pages, API) on 127.0.0.1, port 0,
    with the real AZ-400 pack and a few more teams of mixed skill."""
    cores: list[Core] = []
    clock = FakeClock()
    build = service_builder(tmp_path, clock, cores, content_dir=AZ400, demo=True)
    server = LiveServer(build).start()
    yield server, cores[0], clock
    server.stop()


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/ (git-ignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
