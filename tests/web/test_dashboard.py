"""The manager dashboard with data: leaderboards, heatmap, participation, readiness, inactive
members, CSV exports, and charts that need nothing from outside."""

from __future__ import annotations

import csv
import io
import re

import httpx

from bot.service.context import Core
from tests.web.dashboard_support import seed, sign_in

TABLES = ("teams", "heatmap", "participation", "readiness", "inactive")
TEAM_TABLES = ("leaderboard", "participation", "readiness", "inactive")


async def test_organisation_page_shows_every_section(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core)
    await sign_in(web, core)
    html = (await web.get("/dashboard?period=all")).text
    assert "<h1>Alpha Corp</h1>" in html
    for heading in ("Leaderboard", "Accuracy heatmap", "Participation over the weeks",
                    "Readiness for MINI-1", "Members who stopped answering"):  # fmt: skip
        assert heading in html
    # teams ranked by points: Alpha One has Linus's extra right answer
    ranking = re.findall(r"<tr><td>(\d+)</td><td>(Alpha \w+)</td>", html)
    assert ranking == [("1", "Alpha One"), ("2", "Alpha Two")]
    # the heatmap: one labelled row per team, one column per domain, axis titles
    heat = html[html.index('aria-labelledby="hm-title"') :]
    heat = heat[: heat.index("</svg>")]
    assert "exam domain →" in heat
    assert "team ↓" in heat
    assert ">D1</text>" in heat
    assert ">D2</text>" in heat
    assert ">Alpha One</tspan>" in heat
    assert ">Alpha Two</tspan>" in heat
    # participation: a labelled axis and the week rows
    assert "members who answered" in html
    assert "week starting (Monday)" in html
    # readiness against the pass mark, and how it is estimated
    assert "pass mark 700" in html
    assert "How readiness is estimated" in html
    assert "(right + 1) / (answers + 2)" in html
    # linus answered only the first of six questions
    assert "=HYPERLINK(evil)" in html  # escaped text in the page, never markup
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)


async def test_period_and_domain_filters_change_the_team_leaderboard(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core)
    await sign_in(web, core)
    all_time = (await web.get("/dashboard/teams/C-alpha-1?period=all")).text
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>(\d+)</td>", all_time)
    assert [r[1] for r in rows] == ["Ada", "=HYPERLINK(evil)", "Grace"]
    assert rows[2][2] == "0"
    d2 = (await web.get("/dashboard/teams/C-alpha-1?period=all&domain=D2")).text
    assert "Leaderboard: Monitoring, all time" in d2
    nonsense = await web.get("/dashboard/teams/C-alpha-1?period=decade&domain=D9")
    assert nonsense.status_code == 200
    assert "Leaderboard: All domains, this week (from 2026-03-09)" in nonsense.text


async def test_every_table_downloads_as_csv(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core)
    await sign_in(web, core)
    org = (await web.get("/dashboard?period=all")).text
    team = (await web.get("/dashboard/teams/C-alpha-1?period=all")).text
    for page, names, query in ((org, TABLES, ""), (team, TEAM_TABLES, "&team=C-alpha-1")):
        for name in names:
            url = f"/dashboard/export/{name}.csv?period=all&domain={query}"
            assert url.replace("&", "&amp;") in page, url
            response = await web.get(url)
            assert response.status_code == 200, url
            assert response.headers["content-type"].startswith("text/csv")
            assert "attachment" in response.headers["content-disposition"]
            rows = list(csv.reader(io.StringIO(response.text)))
            assert len(rows) >= 2, name
    inactive = (await web.get("/dashboard/export/inactive.csv?team=C-alpha-1")).text
    rows = list(csv.reader(io.StringIO(inactive)))
    assert rows[0][0] == "member"
    assert rows[1][:4] == ["'=HYPERLINK(evil)", "linus", "Alpha One", "5"]
    missing = await web.get("/dashboard/export/passwords.csv")
    assert missing.status_code == 404


async def test_an_organisation_without_channels_gets_a_clear_page(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    await sign_in(web, core)
    web.cookies.clear()
    from adapters.web.access import dashboard_link
    from tests.web.dashboard_support import SETTINGS

    link = dashboard_link(
        SETTINGS, platform="teams", workspace="nobody", role="manager", now=core.clock.now()
    )
    await web.get(link.removeprefix("http://test"))
    response = await web.get("/dashboard")
    assert response.status_code == 404
    assert "no study channels yet" in response.text


async def test_csv_cells_are_numbers_with_the_unit_in_the_header(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core)
    await sign_in(web, core)
    for name, column in (
        ("teams", "accuracy, raw (%)"),
        ("heatmap", "D1 Pipelines (%)"),
        ("participation", "participation (%)"),
        ("readiness", "estimated accuracy, smoothed (%)"),
    ):
        response = await web.get(f"/dashboard/export/{name}.csv?period=all")
        rows = list(csv.reader(io.StringIO(response.text)))
        index = rows[0].index(column)
        cells = [row[index] for row in rows[1:]]
        assert cells, name
        assert all(re.fullmatch(r"\d+", c) for c in cells if c), (name, cells)
        assert "%" not in "".join(cells)
    readiness = list(csv.reader(io.StringIO(
        (await web.get("/dashboard/export/readiness.csv?period=all")).text
    )))  # fmt: skip
    weight = readiness[0].index("exam weight (%)")
    assert all(re.fullmatch(r"\d+(\.\d+)?", row[weight]) for row in readiness[1:])


async def test_headline_readiness_is_uncertain_when_its_domains_are(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core)  # a dozen answers per domain at most: every estimate is uncertain
    await sign_in(web, core)
    html = (await web.get("/dashboard?period=all")).text
    verdict = re.sub(r"\s+", " ", html[html.index('<p class="verdict') :])
    verdict = verdict[: verdict.index("</p>")]
    assert '<strong class="uncertain">uncertain</strong>: 2 of 2 domains have fewer than 20' in (
        verdict
    )
    # each view says which accuracy it shows
    assert "Accuracy heatmap (raw share of right answers)" in html
    assert "Raw accuracy per team and exam domain" in html
    assert "Smoothed estimated accuracy per domain" in html
    assert "From the smoothed accuracy of each domain" in html


async def test_counts_are_written_with_the_right_plural(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=1)
    await sign_in(web, core, workspace="T-BETA")  # one study channel, one member
    html = re.sub(r"\s+", " ", (await web.get("/dashboard?period=all")).text)
    assert "1 study channel. Open a team:" in html
    assert "Download CSV (1 row)" in html
    assert "1 rows" not in html
    await sign_in(web, core)
    assert "2 study channels." in (await web.get("/dashboard?period=all")).text
