"""A Slack click makes one trace: the request, the core's answer batch, its SQL and the reply."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.observability import tracing
from bot.service.context import Core
from tests.adapters.slack.conftest import SlackHarness, harness_for, single_workspace
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.helpers import post_drop, stored_answers, study_channel
from tests.support.spans import in_trace, recording


@pytest.fixture
async def traced(core: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    ws = fake_slack.add_workspace("T1", "Contoso")
    async for harness in harness_for(core, fake_slack, single_workspace(fake_slack, ws), ws):
        yield harness


async def test_a_click_is_one_trace_from_request_to_reply(traced: SlackHarness) -> None:
    provider, exporter = recording()
    app = traced.http._transport.app  # type: ignore[attr-defined]
    tracing.instrument(app, traced.core.db, provider)
    channel = await study_channel(traced.core)
    card = await post_drop(traced.core, channel, multiple=False)
    exporter.clear()

    response = await traced.click(f"{card.drop_id}:{card.options[0].id}", response="click-url")
    assert response.status_code == 200
    await traced.fake.wait_for(lambda: dict(traced.fake.responses).get("click-url"), what="reply")
    await traced.door.settle()
    assert await stored_answers(traced.core) == 1

    spans = exporter.get_finished_spans()
    (server,) = [s for s in spans if s.kind.name == "SERVER" and "/slack/events" in s.name]
    names = [s.name for s in in_trace(spans, server)]
    assert "studybot.answers" in names  # the core's batch that wrote the answer
    assert "slack.reply" in names  # the private reply
    sql = [s for s in in_trace(spans, server) if s.attributes and "db.statement" in s.attributes]
    assert any("INSERT INTO answers" in str(s.attributes["db.statement"]) for s in sql)
