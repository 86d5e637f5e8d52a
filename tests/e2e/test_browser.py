"""In a real headless Chromium: the playground round trip, the dashboard with data, an admin
editing a schedule, and an expired link refused. Each page is saved as a screenshot."""

from __future__ import annotations

import os
import re
import shutil
from datetime import time
from typing import Any

from adapters.web.access import dashboard_link
from bot.drop_life.reading import get_drop
from bot.service.context import Core
from bot.service.schedules import get_schedule
from tests.e2e.conftest import SCREENSHOTS, shot
from tests.fakes import FakeClock
from tests.web.dashboard_support import ALPHA, SECRET_NAME, SETTINGS
from tests.web.live_server import LiveServer

Live = tuple[LiveServer, Core, FakeClock]


def link(server: LiveServer, core: Core, role: str, *, hours: float = 2) -> str:
    made = dashboard_link(
        SETTINGS, platform="slack", workspace="T-ALPHA", role=role, hours=hours,
        now=core.clock.now(),
    )  # fmt: skip
    return made.replace(SETTINGS.public_url, server.url)


def answer_first_option(page: Any) -> None:
    card = page.locator("section[aria-label^='Open question']").first
    boxes = card.locator("input[type=checkbox]")
    steps = card.locator("select[name^=step]")
    statements = card.locator("fieldset")
    if steps.count():  # order the steps: the n-th step into the n-th position
        for n in range(steps.count()):
            steps.nth(n).select_option(index=n + 1)  # index 0 is "Choose a step"
        card.get_by_role("button", name=re.compile("^Submit")).click()
    elif statements.count():  # a yes/no series: Yes to each statement
        for n in range(statements.count()):
            statements.nth(n).get_by_label("Yes").check()
        card.get_by_role("button", name=re.compile("^Submit")).click()
    elif boxes.count():
        pick = int(re.search(r"Submit (\d+) answers", card.inner_text()).group(1))  # type: ignore[union-attr]
        for i in range(pick):
            boxes.nth(i).check()
        card.get_by_role("button", name=re.compile("^Submit")).click()
    else:
        card.locator("button.option").first.click()
    page.wait_for_load_state()


def test_playground_round_trip(page: Any, live: Live) -> None:
    server, core, _ = live
    page.goto(server.url + "/")
    page.get_by_role("button", name="Drop a question now").click()
    page.wait_for_selector("section[aria-label^='Open question']")
    answer_first_option(page)
    page.wait_for_selector("text=Ada:")
    page.select_option("#member", "grace")  # the page switches member by itself
    page.wait_for_url(re.compile(r"member=grace"))
    answer_first_option(page)
    page.wait_for_selector("text=Grace:")
    assert "2 answers so far" in page.content()
    shot(page, "playground-open")
    drop_id = int(page.locator("input[name=drop_id]").first.get_attribute("value"))
    page.get_by_role("button", name="Close now and reveal the answer").click()
    reveal = page.locator("section[aria-label^='Answer to question']").first
    reveal.wait_for()

    async def explanation() -> str:
        async with core.db.read() as conn:
            return core.questions[(await get_drop(conn, drop_id)).question_id].explanation

    assert server.call(explanation()) in reveal.inner_text()
    assert re.search(r"\d of 2 right", reveal.inner_text())
    assert "Leaderboard" in page.content()
    shot(page, "playground-revealed")


def test_dashboard_with_data(page: Any, live: Live) -> None:
    server, core, _ = live
    page.goto(link(server, core, "manager"))
    page.wait_for_url(server.url + "/dashboard")
    assert page.locator("h1").inner_text() == "Alpha Corp"
    heatmap = page.locator("svg[aria-labelledby='hm-title']")
    assert heatmap.is_visible()
    labels = heatmap.locator("xpath=.//*[local-name()='text']").all_text_contents()
    assert "Alpha One" in labels
    assert "exam domain →" in labels
    assert page.locator("svg[aria-labelledby='cc-title']").is_visible()
    assert "pass mark 700" in page.locator("#readiness").inner_text()
    assert SECRET_NAME not in page.content()
    # laptop screen: nothing wider than the window forces the page to scroll sideways
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1440
    page.select_option("select[name=period]", "all")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=all"))
    cells = page.locator("svg[aria-labelledby='hm-title'] rect").count()
    assert cells == 6 * 5  # six teams, five AZ-400 domains
    path = shot(page, "dashboard-organisation", full_page=False)
    if os.environ.get("STUDYBOT_UPDATE_SCREENSHOTS") == "1":  # `make screenshots` only
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / "dashboard.png")
    shot(page, "dashboard-organisation-full")
    page.get_by_role("link", name="Alpha One").first.click()
    page.wait_for_url(re.compile(r"/dashboard/teams/C-alpha-1"))
    page.select_option("select[name=period]", "all")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=all"))
    rows = page.locator("#table-leaderboard tbody tr")
    assert rows.first.inner_text().split("\t")[:2] == ["1", "Ada"]
    with page.expect_download() as download:
        page.locator("#table-leaderboard a[download]").click()
    assert download.value.suggested_filename == "leaderboard-C-alpha-1-all.csv"
    shot(page, "dashboard-team")
    assert page.locator("text=Edit this team's schedule").count() == 0  # a manager


def test_admin_edits_a_schedule(page: Any, live: Live) -> None:
    server, core, _ = live
    page.goto(link(server, core, "admin"))
    page.get_by_role("link", name="Schedules").click()
    page.get_by_role("row", name=re.compile("Alpha One")).get_by_role("link").click()
    page.fill("#f-days", "mon,thu")
    page.fill("#f-time", "25:99")
    page.fill("#f-timezone", "Europe/Paris")
    page.get_by_role("button", name="Save schedule").click()
    page.wait_for_selector(".field-error")
    assert "is not a time of day" in page.locator("#e-time").inner_text()
    shot(page, "admin-schedule-error")
    assert server.call(get_schedule(core, ALPHA)) is None
    page.fill("#f-time", "07:45")
    page.select_option("#f-focus_domain", "D2")
    page.get_by_role("button", name="Save schedule").click()
    page.wait_for_selector("text=The schedule is saved.")
    stored = server.call(get_schedule(core, ALPHA))
    assert stored is not None
    assert (stored.days, stored.local_time, stored.timezone, stored.focus_domain) == (
        frozenset({0, 3}), time(7, 45), "Europe/Paris", "D2",
    )  # fmt: skip
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("text=The schedule is paused.")
    assert page.locator("#state").inner_text() == "paused"
    stored = server.call(get_schedule(core, ALPHA))
    assert stored is not None
    assert not stored.active
    shot(page, "admin-schedule-saved")


def test_expired_link_is_refused(page: Any, live: Live) -> None:
    server, core, clock = live
    stale = link(server, core, "admin", hours=1)
    clock.advance(hours=2)
    response = page.goto(stale)
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Access refused"
    assert "expired" in page.locator(".refused").inner_text()
    assert "Alpha" not in page.content()
    shot(page, "expired-link")
    later = page.goto(server.url + "/dashboard")
    assert later.status == 403
