"""The playground shows and takes the exam's other item types: a select per position, Yes/No
radios per statement, and each case study question with its scenario."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.bootstrap import build_service
from bot.drop_life.reading import get_drop
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes import FakeClock
from tests.support.item_types import typespack_env
from tests.web.test_playground import open_drop_ids


@pytest.fixture
async def service(
    migrated_database: Database, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[tuple[Core, httpx.AsyncClient]]:
    settings = Settings.from_env({**typespack_env(tmp_path), "STUDYBOT_SELECTION_SEED": "3"})
    core, app = await build_service(settings, clock=clock, database=migrated_database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield core, client
    await core.db.dispose()


async def drop_until(core: Core, client: httpx.AsyncClient, question_id: str) -> int:
    for _ in range(6):
        await client.post("/playground/drop", data={"member": "ada"})
        newest = max(open_drop_ids((await client.get("/")).text))
        async with core.db.read() as conn:
            if (await get_drop(conn, newest)).question_id == question_id:
                return newest
    raise AssertionError(f"{question_id} was never drawn")


def said(response: httpx.Response) -> str:
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return (query.get("note") or query.get("error") or [""])[0]


async def test_an_order_question_takes_a_step_per_position(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    drop_id = await drop_until(core, client, "t-order")
    page = (await client.get("/")).text
    for n in (1, 2, 3, 4):
        assert f'<select name="step{n}">' in page
    base = {"drop_id": str(drop_id), "member": "ada"}
    short = await client.post("/playground/answer", data={**base, "step1": "a", "step2": "b"})
    assert "Put all 4 steps in order; you placed 2." in said(short)
    steps = {"step1": "a", "step2": "b", "step3": "c", "step4": "d"}
    done = await client.post("/playground/answer", data={**base, **steps})
    assert "is recorded" in said(done)
    await client.post("/playground/close", data={"drop_id": str(drop_id), "member": "ada"})
    revealed = html_lib.unescape((await client.get("/")).text)
    assert re.search(
        r"1\. <span class=\"key\">[A-D]\. Write the stage in a branch</span>", revealed
    )
    assert "1 of 1 right" in revealed
    assert re.search(r"Ada picked [A-D] → [A-D] → [A-D] → [A-D]: right", revealed)


async def test_a_yes_no_series_takes_a_yes_or_no_per_statement(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    drop_id = await drop_until(core, client, "t-yesno")
    page = (await client.get("/")).text
    for oid in "abc":
        assert f'<input type="radio" name="yn_{oid}" value="yes">' in page
    base = {"drop_id": str(drop_id), "member": "grace"}
    answered = {"yn_a": "yes", "yn_b": "yes", "yn_c": "yes"}
    done = await client.post("/playground/answer", data={**base, **answered})
    assert "Your answer A Yes, B Yes, C Yes is recorded." in said(done)
    await client.post("/playground/close", data={"drop_id": str(drop_id), "member": "ada"})
    revealed = html_lib.unescape((await client.get("/")).text)
    assert "Answer: A Yes, B No, C Yes." in revealed
    assert "Grace picked A Yes, B Yes, C Yes: wrong" in revealed


async def test_a_case_study_question_shows_its_scenario(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    await drop_until(core, client, "case-01-1")
    page = html_lib.unescape((await client.get("/")).text)
    assert "Case study: Northwind moves its releases to YAML (question 1 of 3)" in page
    assert "<p>It wants every production deployment approved & logged.</p>" in page
