"""The playground round trip over HTTP: drop, answer as demo members, close, reveal, leaderboard."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.bootstrap import build_service
from bot.drop_life.reading import get_drop
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes import FakeClock


@pytest.fixture
async def service(
    migrated_database: Database, clock: FakeClock, settings_env: dict[str, str]
) -> AsyncIterator[tuple[Core, httpx.AsyncClient]]:
    settings = Settings.from_env({**settings_env, "STUDYBOT_SELECTION_SEED": "3"})
    core, app = await build_service(settings, clock=clock, database=migrated_database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield core, client
    await core.db.dispose()


def open_drop_ids(html: str) -> list[int]:
    return [
        int(x)
        for x in re.findall(
            r'action="/playground/answer">\s*<input type="hidden" name="drop_id" value="(\d+)"',
            html,
        )
    ]


async def test_healthz_reports_the_pack(service: tuple[Core, httpx.AsyncClient]) -> None:
    _, client = service
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["exam"] == "MINI-1"


async def test_empty_playground_explains_what_to_do(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    _, client = service
    html = (await client.get("/")).text
    assert "Nothing posted yet" in html
    assert "Drop a question now" in html


async def test_round_trip_drop_answer_close_reveal_leaderboard(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    posted = await client.post("/playground/drop", data={"member": "ada", "focus": "D2"})
    assert posted.status_code == 303
    html = (await client.get("/?member=ada")).text
    (drop_id,) = open_drop_ids(html)
    async with core.db.read() as conn:
        question = core.questions[(await get_drop(conn, drop_id)).question_id]
    key = sorted(question.key)
    wrong = [o for o in question.option_ids if o not in question.key][: question.pick]

    ada = await client.post(
        "/playground/answer", data={"drop_id": drop_id, "member": "ada", "option": key}
    )
    assert "is+recorded" in ada.headers["location"]
    again = await client.post(
        "/playground/answer", data={"drop_id": drop_id, "member": "ada", "option": wrong}
    )
    assert "only+your+first+answer+counts" in again.headers["location"]
    await client.post(
        "/playground/answer", data={"drop_id": drop_id, "member": "grace", "option": wrong}
    )
    page = (await client.get("/?member=grace&period=all")).text
    assert "2 answers so far" in page
    # until the reveal, the leaderboard shows the answers but not who was right
    for rank, name in ((1, "Ada"), (2, "Grace")):
        assert re.search(
            rf"<td>{rank}</td><td>{name}</td><td class=\"num\">0</td><td class=\"num\">0/1</td>",
            page,
        )

    closed = await client.post("/playground/close", data={"drop_id": drop_id, "member": "ada"})
    assert closed.status_code == 303
    revealed = (await client.get("/?member=ada&period=all")).text
    assert question.explanation in revealed
    assert question.references[0] in revealed
    assert "1 of 2 right" in revealed
    assert re.search(
        r"<td>1</td><td>Ada</td><td class=\"num\">\d+</td><td class=\"num\">1/1</td>", revealed
    )
    assert re.search(
        r"<td>2</td><td>Grace</td><td class=\"num\">0</td><td class=\"num\">0/1</td>", revealed
    )
    assert open_drop_ids(revealed) == []

    late = await client.post(
        "/playground/answer", data={"drop_id": drop_id, "member": "linus", "option": key}
    )
    assert "answers+are+no+longer+taken" in late.headers["location"]


async def test_bad_form_input_is_reported_not_crashed(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    _, client = service
    missing = await client.post(
        "/playground/answer", data={"drop_id": "999", "member": "ada", "option": "a"}
    )
    assert missing.status_code == 303
    assert "no+question+drop+999" in missing.headers["location"]
    malformed = await client.post("/playground/answer", data={"drop_id": "not-a-number"})
    assert malformed.status_code == 303  # back to the page, saying what was wrong
    assert "is+not+a+question+drop+id" in malformed.headers["location"]
    assert (await client.post("/playground/answer", data={})).status_code == 422
    stranger = await client.post(
        "/playground/answer", data={"drop_id": "1", "member": "eve", "option": "a"}
    )
    assert "Unknown+demo+member" in stranger.headers["location"]


async def test_healthz_is_503_when_the_database_is_gone(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    working = core.db
    core.db = Database("postgresql://nobody@127.0.0.1:1/none")
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    await core.db.dispose()
    core.db = working


@pytest.mark.parametrize("bad_id", ["2147483648", "9223372036854775808", "１", "1_0", "-1"])
async def test_an_id_no_drop_can_have_is_bad_input_not_a_server_error(
    service: tuple[Core, httpx.AsyncClient], bad_id: str
) -> None:
    core, client = service
    await client.post("/playground/drop", data={"member": "ada"})
    (drop_id,) = open_drop_ids((await client.get("/?member=ada")).text)
    for path, data in [
        ("/playground/answer", {"drop_id": bad_id, "member": "ada", "option": "a"}),
        ("/playground/close", {"drop_id": bad_id, "member": "ada"}),
    ]:
        response = await client.post(path, data=data)
        assert response.status_code == 303, (path, response.text)
        assert "digits+0-9" in response.headers["location"]
    async with core.db.read() as conn:
        assert (await get_drop(conn, drop_id)).status == "open"  # "１" did not close drop 1


async def test_older_questions_stay_reachable_page_by_page(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    _, client = service
    for _ in range(8):
        await client.post("/playground/drop", data={"member": "ada"})
        (drop_id,) = open_drop_ids((await client.get("/")).text)
        await client.post("/playground/close", data={"drop_id": drop_id, "member": "ada"})
    first = (await client.get("/?member=ada")).text
    shown = [int(n) for n in re.findall(r"Question #(\d+) ·", first)]
    assert shown == [8, 7, 6, 5, 4, 3]
    assert 'href="/?member=ada&amp;page=2">Older questions</a>' in first
    second = (await client.get("/?member=ada&page=2")).text
    assert [int(n) for n in re.findall(r"Question #(\d+) ·", second)] == [2, 1]
    assert 'href="/?member=ada&amp;page=1">Newer questions</a>' in second
    assert "Older questions" not in second
    for bad in ("-3", "banana", "0"):
        fallback = await client.get(f"/?page={bad}")
        assert fallback.status_code == 200
        assert "Question #8 ·" in fallback.text


async def test_each_members_pick_shows_after_the_reveal_and_not_before(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    await client.post("/playground/drop", data={"member": "ada", "focus": "D2"})
    (drop_id,) = open_drop_ids((await client.get("/")).text)
    async with core.db.read() as conn:
        question = core.questions[(await get_drop(conn, drop_id)).question_id]
    key = sorted(question.key)
    wrong = [o for o in question.option_ids if o not in question.key][: question.pick]
    for member, options in (("ada", key), ("grace", wrong)):
        await client.post(
            "/playground/answer", data={"drop_id": drop_id, "member": member, "option": options}
        )
    before = (await client.get("/?member=linus")).text
    assert "Who picked what" not in before
    assert "Ada picked" not in before
    await client.post("/playground/close", data={"drop_id": drop_id, "member": "ada"})
    after = (await client.get("/?member=linus")).text
    assert "Who picked what" in after
    assert re.search(r"<li>Ada picked [A-F](, [A-F])*: right ✓</li>", after)
    assert re.search(r"<li>Grace picked [A-F](, [A-F])*: wrong ✗</li>", after)
    assert "Linus picked" not in after
