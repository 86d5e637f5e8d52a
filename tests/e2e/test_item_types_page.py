"""The playground with an open order question, a yes/no series and a case study question, and
their reveals: axe-core finds no violation and nothing scrolls sideways, on a phone and a laptop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.service.context import Core
from tests.conftest import TYPESPACK
from tests.e2e.test_layout import _axe_source, _overflow
from tests.fakes import FakeClock
from tests.web.live_server import LiveServer
from tests.web.live_service import service_builder


@pytest.fixture
def typespack_live(tmp_path: Path) -> Iterator[LiveServer]:
    cores: list[Core] = []
    server = LiveServer(service_builder(tmp_path, FakeClock(), cores, content_dir=TYPESPACK))
    yield server.start()
    server.stop()


def _check(page: Any, width: int, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate("async () => await axe.run(document)")
    problems = [f"{v['id']}: {v['help']}" for v in result["violations"]]
    if page.evaluate("document.documentElement.scrollWidth") > width:
        problems.append(f"wider than {width} px: {_overflow(page)}")
    return problems


WIDTHS = (360, 1280)  # a phone and a laptop


def test_new_item_types_are_accessible_and_fit(browser: Any, typespack_live: LiveServer) -> None:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded machine; waits end as soon as done
    axe = _axe_source()

    def at_every_width() -> dict[int, list[str]]:
        found = {}
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            found[width] = _check(page, width, axe)
        return found

    try:
        page.goto(typespack_live.url + "/")
        for n in range(5):  # the typespack's five questions: one order, one yes/no, a case of 3
            page.get_by_role("button", name="Drop a question now").click()
            page.locator("section[aria-label^='Open question']").nth(n).wait_for()
        assert page.locator("select[name=step1]").count() >= 1
        assert page.locator("input[type=radio][name=yn_a]").count() >= 1
        assert page.locator("details.case").count() == 3
        found = {"open": at_every_width()}
        for n in range(5):
            page.get_by_role("button", name="Close now and reveal the answer").first.click()
            page.locator("section[aria-label^='Answer to question']").nth(n).wait_for()
        found["revealed"] = at_every_width()
        clean = {width: [] for width in WIDTHS}
        assert found == {"open": clean, "revealed": clean}
    finally:
        context.close()
