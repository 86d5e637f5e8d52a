"""Bad input on /api/messages is a 400, never a 500: ids outside the database's range or not in
ASCII digits, and JSON nested deeper than any activity."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.service.context import Core
from bot.storage.tables import answers
from tests.adapters.teams.conftest import OWEN, SCHEDULE, TeamsDoor, execute, install


@pytest.mark.parametrize("bad_id", ["2147483648", 2147483648, 2**63, "１", "1_0", " 1", -1])
async def test_an_answer_naming_an_impossible_drop_id_gets_a_400_invoke_answer(
    door: TeamsDoor, core: Core, bad_id: object
) -> None:
    assert (await door.post(install())).status_code == 200
    await door.post(execute("schedule", SCHEDULE, person=OWEN))
    response = await door.post(execute("answer", {"drop": bad_id, "option": "a"}))
    assert response.status_code == 200
    assert response.json()["statusCode"] == 400
    async with core.db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(answers)) == 0


@pytest.mark.parametrize("depth", [100, 100_000])
async def test_deeply_nested_json_gets_a_400(door: TeamsDoor, depth: int) -> None:
    body = b'{"type": "message", "value": ' + b"[" * depth + b"]" * depth + b"}"
    response = await door.client.post(
        "/api/messages", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "nested more than 64 levels" in response.json()["error"]["message"]
