"""Before a drop is revealed, no web page, CSV download or API answer tells who was right; at
the reveal the points and accuracy appear in all of them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx

from bot.drop_life import by_hand
from bot.drop_life.start_close import start_drop
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, StartDrop, SubmitAnswer
from bot.service.context import Core
from tests.web.dashboard_support import ALPHA, seed, sign_in, token

ORG_TABLES = ("teams", "heatmap", "participation", "readiness", "inactive")
TEAM_TABLES = ("leaderboard", "participation", "readiness", "inactive")


async def _everything(core: Core, web: httpx.AsyncClient) -> dict[str, object]:
    auth = {"Authorization": f"Bearer {token('manager', now=core.clock.now())}"}
    seen: dict[str, object] = {}
    for period in ("week", "all"):
        board = await web.get(
            "/api/v1/teams/C-alpha-1/leaderboard", params={"period": period}, headers=auth
        )
        seen[f"api board {period}"] = [
            (r["user_id"], r["points"], r["correct"], r["answered"]) for r in board.json()["rows"]
        ]
        for name in ORG_TABLES:
            text = (await web.get(f"/dashboard/export/{name}.csv?period={period}&domain=")).text
            seen[f"{name}.csv {period}"] = list(csv.reader(io.StringIO(text)))
        for name in TEAM_TABLES:
            url = f"/dashboard/export/{name}.csv?period={period}&domain=&team=C-alpha-1"
            seen[f"team {name}.csv {period}"] = list(
                csv.reader(io.StringIO((await web.get(url)).text))
            )
    for user in ("ada", "grace"):
        progress = (await web.get(f"/api/v1/teams/C-alpha-1/progress/{user}", headers=auth)).json()
        seen[f"api progress {user}"] = [
            (d["answered"], d["correct"], d["points"]) for d in progress["domains"]
        ]
    return seen


async def test_an_unrevealed_drop_gives_nothing_away_on_the_web(
    core: Core, web: httpx.AsyncClient
) -> None:
    await seed(core, drops=0)
    await sign_in(web, core)
    card = await start_drop(core, StartDrop(ALPHA, window=timedelta(hours=1)))
    q = core.questions[card.question_id]
    right = tuple(sorted(q.key))
    wrong = tuple(o for o in q.option_ids if o not in q.key)[: q.pick]
    await submit_answer(core, SubmitAnswer(ALPHA, card.drop_id, "grace", "Grace", right))
    await submit_answer(core, SubmitAnswer(ALPHA, card.drop_id, "ada", "Ada", wrong))
    before = await _everything(core, web)
    team_page = (await web.get("/dashboard/teams/C-alpha-1?period=all")).text
    org_page = (await web.get("/dashboard?period=all")).text

    for period in ("week", "all"):  # a tie on everything: alphabetical, whoever was right
        assert before[f"api board {period}"] == [("ada", 0, 0, 1), ("grace", 0, 0, 1)]
        assert before[f"team leaderboard.csv {period}"][1:] == [
            ["1", "Ada", "0", "0", "1", "0"],
            ["2", "Grace", "0", "0", "1", "0"],
        ]
    for name, rows in before.items():
        if name.endswith(".csv week") or name.endswith(".csv all"):
            assert isinstance(rows, list)
            header = rows[0]
            for column in ("right", "points"):
                if column in header:
                    i = header.index(column)
                    assert {r[i] for r in rows[1:]} <= {"0"}, name
            if name.startswith("heatmap"):
                assert {cell for r in rows[1:] for cell in r[1:]} <= {"", "0"}, name
    assert before["api progress ada"] == before["api progress grace"]
    for row in (["1", "Ada", "0", "0", "1", "0"], ["2", "Grace", "0", "0", "1", "0"]):
        assert _html_row(row) in team_page
    assert _html_row(["Alpha One", "2", "2", "2", "0", "0", "0"]) in org_page

    await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, ALPHA))
    after = await _everything(core, web)
    points = 10 * q.difficulty
    assert after["api board all"] == [("grace", points, 1, 1), ("ada", 0, 0, 1)]
    assert after["team leaderboard.csv all"][1:] == [
        ["1", "Grace", str(points), "1", "1", "100"],
        ["2", "Ada", "0", "0", "1", "0"],
    ]
    assert ["Alpha One", "2", "2", "2", "1", str(points), "50"] in [
        r[1:]
        for r in after["teams.csv all"]  # type: ignore[attr-defined]
    ]
    assert ["Alpha One", "", "50"] in after["heatmap.csv all"]  # type: ignore[operator]
    assert after["api progress grace"] != after["api progress ada"]
    team_page = (await web.get("/dashboard/teams/C-alpha-1?period=all")).text
    assert _html_row(["1", "Grace", str(points), "1", "1", "100"]) in team_page
    org_page = (await web.get("/dashboard?period=all")).text
    assert _html_row(["Alpha One", "2", "2", "2", "1", str(points), "50"]) in org_page
    # the counts of answers were there all along and do not change at the reveal
    assert after["participation.csv all"] == before["participation.csv all"]


def _html_row(cells: list[str]) -> str:
    return "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
