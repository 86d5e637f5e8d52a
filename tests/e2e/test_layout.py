"""Every page at phone, tablet and laptop widths: nothing scrolls sideways, and axe-core finds no
accessibility violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import serve_seeded
from tests.e2e.test_browser import Live, link

WIDTHS = (360, 390, 768, 1280)
AXE_WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """One seeded service for the module: these tests only look (and drop questions, which
    only adds open cards to the playground), so they need no service of their own."""
    yield from serve_seeded(tmp_path_factory.mktemp("layout"))


def _axe_source() -> str:
    """axe-core's browser build, shipped inside the axe-playwright-python package."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def _pages(page: Any, live: Live) -> list[str]:
    """Signs in as an admin (who sees every page) and returns the addresses to check."""
    server, core, _ = live
    page.goto(server.url + "/")
    page.get_by_role("button", name="Drop a question now").click()
    page.wait_for_selector("section[aria-label^='Open question']")
    page.goto(link(server, core, "admin"))
    page.wait_for_url(server.url + "/dashboard")
    return [
        "/",
        "/dashboard",
        "/dashboard?period=all",
        "/dashboard/teams/C-alpha-1?period=all",
        "/admin/schedules",
        "/admin/teams/C-alpha-1/schedule",
        "/admin/content",
    ]


def _overflow(page: Any) -> list[str]:
    """Elements that reach past the right edge of the viewport (to name them in a failure)."""
    return list(
        page.evaluate(
            """() => {
              const w = document.documentElement.clientWidth;
              return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 0.5)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className && typeof e.className === 'string' ? '.' + e.className : '')
                  + ' right=' + Math.round(e.getBoundingClientRect().right));
            }"""
        )
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_and_axe_core_reports_nothing(
    browser: Any, live: Live, width: int
) -> None:
    """Every page at each width fits; at a phone's and a laptop's width axe-core also runs."""
    server, _, _ = live
    axe = _axe_source() if width in AXE_WIDTHS else None
    wide: dict[str, object] = {}
    found: dict[str, list[str]] = {}
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded machine; waits end as soon as done
    try:
        for path in _pages(page, live):
            page.goto(server.url + path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide[path] = (scroll, _overflow(page))
            if axe is None:
                continue
            page.add_script_tag(content=axe)  # the context bypasses the page CSP for this only
            result = page.evaluate("async () => await axe.run(document)")
            problems = [
                f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
                for v in result["violations"]
            ]
            if problems:
                found[path] = problems
    finally:
        context.close()
    assert wide == {}, f"wider than {width} px: {wide}"
    assert found == {}


def test_long_domain_names_wrap_instead_of_being_cut(browser: Any, live: Live) -> None:
    server, core, _ = live
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(link(server, core, "manager"))
        page.wait_for_url(server.url + "/dashboard")
        texts = " ".join(page.locator("body").all_inner_texts())
        assert "…" not in re.sub(r"\s+", " ", texts)
        longest = max((d.name for d in core.pack.domains), key=len)
        assert longest in re.sub(r"\s+", " ", texts)
    finally:
        context.close()


def test_playground_times_are_in_the_browsers_time_zone(browser: Any, live: Live) -> None:
    server, _, _ = live
    context = browser.new_context(viewport={"width": 390, "height": 800}, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded machine; waits end as soon as done
    try:
        page.goto(server.url + "/")
        page.get_by_role("button", name="Drop a question now").click()
        card = page.locator("section[aria-label^='Open question']").first
        card.wait_for()
        closes = card.locator("time").first
        utc = closes.get_attribute("datetime")
        assert utc is not None
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d Asia/Tokyo", closes.inner_text())
        # the shown wall time is the UTC instant nine hours on
        shown_hour = int(closes.inner_text()[11:13])
        assert shown_hour == (int(utc[11:13]) + 9) % 24
    finally:
        context.close()
