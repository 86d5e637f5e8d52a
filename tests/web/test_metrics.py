"""GET /metrics: off unless a token is set, refused without it, and counting a scripted study
session (a drop, answers of every outcome, the reveal) in the metrics operators alert on."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.bootstrap import build_service
from bot.errors import InvalidInputError
from bot.service.context import Core
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes import FakeClock

TOKEN = "m" * 32
AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def _client(
    database: Database, clock: FakeClock, env: dict[str, str]
) -> AsyncIterator[tuple[Core, httpx.AsyncClient]]:
    core, app = await build_service(Settings.from_env(env), clock=clock, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield core, client
    await core.db.dispose()


@pytest.fixture
async def service(
    migrated_database: Database, clock: FakeClock, settings_env: dict[str, str]
) -> AsyncIterator[tuple[Core, httpx.AsyncClient]]:
    env = {**settings_env, "STUDYBOT_SELECTION_SEED": "3", "STUDYBOT_METRICS_TOKEN": TOKEN}
    async for pair in _client(migrated_database, clock, env):
        yield pair


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    out: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}  # (name, labels) -> value
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(
    scrape: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return scrape.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_metrics_are_off_without_a_token(
    migrated_database: Database, clock: FakeClock, settings_env: dict[str, str]
) -> None:
    async for _, client in _client(migrated_database, clock, settings_env):
        response = await client.get("/metrics", headers=AUTH)
        assert response.status_code == 404
        assert "STUDYBOT_METRICS_TOKEN" in response.text
        assert "studybot_" not in response.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": f"Basic {TOKEN}"}],
)
async def test_metrics_need_the_bearer_token(
    service: tuple[Core, httpx.AsyncClient], headers: dict[str, str]
) -> None:
    _, client = service
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "studybot_" not in response.text


async def test_a_scripted_session_shows_in_the_counters(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    before = await scrape(client)
    await client.post("/playground/drop", data={"member": "ada"})
    html = (await client.get("/?member=ada")).text
    drop_id = int(re.findall(r'name="drop_id" value="(\d+)"', html)[0])
    option = re.findall(r'name="option" value="([a-z])"', html)[0]
    for member in ("ada", "ada", "grace"):  # two recorded, one already answered
        await client.post(
            "/playground/answer", data={"drop_id": drop_id, "member": member, "option": option}
        )
    await client.post("/playground/close", data={"drop_id": drop_id, "member": "ada"})
    await client.post(
        "/playground/answer", data={"drop_id": drop_id, "member": "linus", "option": option}
    )
    after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    answers = "studybot_answers_total"
    assert delta(answers, platform="web", outcome="recorded") == 2
    assert delta(answers, platform="web", outcome="already_answered") == 1
    assert delta(answers, platform="web", outcome="closed") == 1
    assert delta("studybot_answer_batch_size_count") >= 2
    assert delta("studybot_answer_batch_size_sum") == 4
    http = "studybot_http_request_duration_seconds_count"
    route = {"door": "web", "route": "/playground/answer", "method": "POST"}
    assert delta(http, **route, status="3xx") == 4
    calls = "studybot_chat_api_calls_total"
    assert delta(calls, platform="web", call="post_question", outcome="ok") == 1
    assert delta(calls, platform="web", call="update_question", outcome="ok") == 1
    assert ("studybot_db_pool_connections", frozenset({("state", "checked_out")})) in after
    build = [k for k in after if k[0] == "studybot_build_info"]
    assert build
    assert ("exam", core.pack.exam.code) in build[0][1]


async def test_an_answer_refused_before_the_batch_is_counted(core: Core) -> None:
    from bot.observability.metrics import ANSWERS
    from bot.service.answers import submit_answer
    from bot.service.commands import SubmitAnswer
    from tests.conftest import CHANNEL

    counter = ANSWERS.labels(CHANNEL.platform, "refused")
    start = counter._value.get()
    with pytest.raises(InvalidInputError):
        await submit_answer(core, SubmitAnswer(CHANNEL, 1, "", "Nobody", ("a",)))
    assert counter._value.get() == start + 1


async def test_a_rate_limited_post_is_counted_apart(core: Core) -> None:
    from bot.observability.metrics import CHAT_CALLS
    from bot.ports import ChannelRef, DeliveryError

    class Throttled:
        platform = "throttled"

        async def post_text(self, channel: ChannelRef, text: str) -> str:
            raise DeliveryError("429", permanent=False, retry_after=2, rate_limited=True)

    core.platforms["throttled"] = Throttled()  # type: ignore[assignment]
    counter = CHAT_CALLS.labels("throttled", "post_text", "rate_limited")
    start = counter._value.get()
    with pytest.raises(DeliveryError):
        await core.platform("throttled").post_text(ChannelRef("throttled", "o", "c"), "hi")
    assert counter._value.get() == start + 1


def test_metrics_on_their_own_port(settings_env: dict[str, str]) -> None:
    import socket
    import urllib.request

    from bot.errors import SettingsError
    from bot.serve import serve_metrics

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings.from_env({**settings_env, "STUDYBOT_METRICS_PORT": str(port)})
    server = serve_metrics(settings)
    assert server is not None
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            body = answer.read().decode()
        assert answer.status == 200
        assert "studybot_answers_total" in body or "studybot_answers" in body
        with pytest.raises(SettingsError, match="STUDYBOT_METRICS_PORT"):
            serve_metrics(settings)  # the port is taken now: a clear error, not a traceback
    finally:
        server.shutdown()
        server.server_close()
    assert serve_metrics(Settings.from_env(settings_env)) is None  # off unless asked for
