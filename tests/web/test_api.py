"""The JSON API: bearer tokens or the session, organisation scoping, roles, the core's
validation, and a schemathesis fuzz run from the OpenAPI description (no 500s, no leaks)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from bot.service.context import Core
from bot.service.schedules import get_schedule
from tests.fakes import FakeClock
from tests.web.dashboard_support import ALPHA, BETA, OTHER_KEY, SECRET_NAME, seed, sign_in, token
from tests.web.live_server import LiveServer
from tests.web.live_service import service_builder

SCHEDULE = {"days": "weekdays", "time": "09:00", "timezone": "UTC", "window": "8h"}


def bearer(core: Core, role: str = "manager", workspace: str = "T-ALPHA") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, workspace, now=core.clock.now())}"}


async def test_reads_with_a_bearer_token(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core)
    auth = bearer(core)
    teams = (await web.get("/api/v1/teams", headers=auth)).json()
    assert [t["name"] for t in teams] == ["Alpha One", "Alpha Two"]
    board = await web.get(
        "/api/v1/teams/C-alpha-1/leaderboard", params={"period": "all"}, headers=auth
    )
    assert board.status_code == 200
    assert [r["user_id"] for r in board.json()["rows"]] == ["ada", "linus", "grace"]
    progress = (await web.get("/api/v1/teams/C-alpha-1/progress/ada", headers=auth)).json()
    assert progress["display_name"] == "Ada"
    assert sum(d["correct"] for d in progress["domains"]) == 6
    assert (await web.get("/api/v1/schedules", headers=auth)).json() == []


async def test_errors_are_clear_json(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    auth = bearer(core)
    unknown_domain = await web.get(
        "/api/v1/teams/C-alpha-1/leaderboard", params={"domain": "D9"}, headers=auth
    )
    assert unknown_domain.status_code == 400
    assert "Unknown domain 'D9'" in unknown_domain.json()["detail"]
    stranger = await web.get("/api/v1/teams/C-alpha-1/progress/nobody", headers=auth)
    assert stranger.status_code == 404
    assert (await web.get("/api/v1/teams")).status_code == 401
    wrong = await web.get("/api/v1/teams", headers={"Authorization": "Basic abc"})
    assert wrong.status_code == 401
    other = token(now=core.clock.now(), settings=OTHER_KEY)
    forged = await web.get("/api/v1/teams", headers={"Authorization": f"Bearer {other}"})
    assert forged.status_code == 401
    assert "signature" in forged.json()["detail"]


async def test_no_cross_organisation_data(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=2)
    beta = bearer(core, "admin", "T-BETA")
    # the same channel id exists in both workspaces: Beta's token reads Beta's team only
    board = (await web.get("/api/v1/teams/C-alpha-1/leaderboard?period=all", headers=beta)).json()
    assert board["team"] == SECRET_NAME
    assert [r["user_id"] for r in board["rows"]] == ["spy"]
    alpha_only = await web.get("/api/v1/teams/C-alpha-2/leaderboard", headers=beta)
    assert alpha_only.status_code == 404
    put = await web.put("/api/v1/teams/C-alpha-2/schedule", json=SCHEDULE, headers=beta)
    assert put.status_code == 404
    await web.put("/api/v1/teams/C-alpha-1/schedule", json=SCHEDULE, headers=beta)
    assert await get_schedule(core, ALPHA) is None
    assert await get_schedule(core, BETA) is not None
    alpha_schedules = (await web.get("/api/v1/schedules", headers=bearer(core))).json()
    assert alpha_schedules == []


async def test_only_admins_change_schedules(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    refused = await web.put("/api/v1/teams/C-alpha-1/schedule", json=SCHEDULE, headers=bearer(core))
    assert refused.status_code == 403
    assert await get_schedule(core, ALPHA) is None
    admin = bearer(core, "admin")
    saved = await web.put("/api/v1/teams/C-alpha-1/schedule", json=SCHEDULE, headers=admin)
    assert saved.status_code == 200
    assert saved.json()["fields"]["days"] == "mon,tue,wed,thu,fri"
    invalid = await web.put(
        "/api/v1/teams/C-alpha-1/schedule",
        json={**SCHEDULE, "time": "9am", "timezone": "Mars/Olympus"},
        headers=admin,
    )
    assert invalid.status_code == 422
    assert set(invalid.json()["errors"]) == {"time", "timezone"}
    paused = await web.put(
        "/api/v1/teams/C-alpha-1/schedule/active", json={"active": False}, headers=admin
    )
    assert paused.json()["active"] is False
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert not stored.active
    assert stored.local_time.hour == 9
    listed = (await web.get("/api/v1/schedules", headers=bearer(core))).json()
    assert [(s["channel_id"], s["active"]) for s in listed] == [("C-alpha-1", False)]


async def test_only_admins_pause_a_schedule(
    core: Core, web: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager's role reaches the core's policy, whose refusal is a 403 that changes nothing."""
    from bot.service import policy

    await seed(core, drops=1)
    admin = bearer(core, "admin")
    await web.put("/api/v1/teams/C-alpha-1/schedule", json=SCHEDULE, headers=admin)
    roles: list[str | None] = []
    decide = policy.decide

    def spy(actor: Any, action: policy.Action, *args: Any, **kwargs: Any) -> policy.Decision:
        if action is policy.Action.PAUSE_SCHEDULE:
            roles.append(actor.dashboard_role)
        return decide(actor, action, *args, **kwargs)

    monkeypatch.setattr(policy, "decide", spy)
    url = "/api/v1/teams/C-alpha-1/schedule/active"
    refused = await web.put(url, json={"active": False}, headers=bearer(core))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only an admin of this organisation can do that."
    assert roles == ["manager"]
    stored = await get_schedule(core, ALPHA)
    assert stored is not None
    assert stored.active
    paused = await web.put(url, json={"active": False}, headers=admin)
    assert paused.status_code == 200
    assert paused.json()["active"] is False


@pytest.mark.parametrize("role", ["manager", "admin"])
async def test_an_expired_token_is_refused(core: Core, web: httpx.AsyncClient, role: str) -> None:
    await seed(core, drops=1)
    clock = core.clock
    assert isinstance(clock, FakeClock)
    expired = {"Authorization": f"Bearer {token(role, now=clock.now(), hours=1)}"}
    assert (await web.get("/api/v1/teams", headers=expired)).status_code == 200
    clock.advance(hours=1)  # valid until the last second, refused from then on
    for response in [
        await web.get("/api/v1/teams", headers=expired),
        await web.put("/api/v1/teams/C-alpha-1/schedule", json=SCHEDULE, headers=expired),
        await web.put(
            "/api/v1/teams/C-alpha-1/schedule/active", json={"active": False}, headers=expired
        ),
    ]:
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]
    assert await get_schedule(core, ALPHA) is None


async def test_session_changes_need_the_csrf_header(core: Core, web: httpx.AsyncClient) -> None:
    await seed(core, drops=1)
    csrf = await sign_in(web, core, role="admin")
    assert (await web.get("/api/v1/teams")).status_code == 200
    url = "/api/v1/teams/C-alpha-1/schedule"
    assert (await web.put(url, json=SCHEDULE)).status_code == 403
    assert await get_schedule(core, ALPHA) is None
    ok = await web.put(url, json=SCHEDULE, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200


async def test_openapi_describes_the_api_only(web: httpx.AsyncClient) -> None:
    spec = (await web.get("/openapi.json")).json()
    assert sorted(p for p in spec["paths"] if p != "/healthz") == [
        "/api/v1/schedules",
        "/api/v1/teams",
        "/api/v1/teams/{channel_id}/leaderboard",
        "/api/v1/teams/{channel_id}/progress/{user_id}",
        "/api/v1/teams/{channel_id}/schedule",
        "/api/v1/teams/{channel_id}/schedule/active",
    ]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[LiveServer, Core]]:
    cores: list[Core] = []
    server = LiveServer(service_builder(tmp_path, FakeClock(), cores, drops=2)).start()
    yield server, cores[0]
    server.stop()


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_fuzz_from_the_openapi_description(live: tuple[LiveServer, Core], role: str) -> None:
    server, core = live
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json").include(
        path_regex="^/api/"
    )
    headers = {"Authorization": f"Bearer {token(role, 'T-ALPHA', now=core.clock.now())}"}
    checked = 0
    statuses: set[int] = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()

        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=operation.as_strategy(),
            channel=st.sampled_from([None, "C-alpha-1", "C-alpha-2"]),
            user=st.sampled_from([None, "ada", "spy"]),
        )
        def run(case: schemathesis.Case[Any], channel: str | None, user: str | None) -> None:
            # random ids rarely name a real team: half the cases use real ones, so the fuzz
            # reaches the code behind the lookups (spy studies only in the other organisation)
            path = case.path_parameters or {}
            if channel and "channel_id" in path:
                path["channel_id"] = channel
            if user and "user_id" in path:
                path["user_id"] = user
            response = case.call(base_url=server.url, headers=headers)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
            assert SECRET_NAME not in response.text
            assert "Beta Spy" not in response.text
            assert "T-BETA" not in response.text
            statuses.add(response.status_code)

        run()
        checked += 1
    assert checked == 6
    assert {200, 404} <= statuses  # the fuzz reached real teams, not only refusals
