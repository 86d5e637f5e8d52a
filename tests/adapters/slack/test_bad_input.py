"""Bad input at /slack/events: 401 for anything unsigned, 400 for signed bodies of another
shape, 413 past 1 MiB (read no further), a quiet 200 for request types studybot does not handle;
never a 5xx, one log line each, nothing stored."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from tests.adapters.slack.conftest import SlackHarness, block_actions
from tests.adapters.slack.helpers import post_drop, stored_answers, study_channel

FORM = "application/x-www-form-urlencoded"


async def _click_body(slack: SlackHarness) -> str:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    action = {
        "action_id": "studybot_answer_A",
        "block_id": "studybot_options",
        "type": "button",
        "value": f"{card.drop_id}:{card.options[0].id}",
    }
    payload = block_actions("T1", "C1", "U1", action, slack.fake.response_url("c"))
    return urlencode({"payload": json.dumps(payload)})


def _slack_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("studybot.slack", "slack"))]


@pytest.mark.parametrize("timestamp", ["abc", "1e3", "1.5", "١٧٠٠٠٠٠٠٠٠", "12 ", "-5", ""])
async def test_a_timestamp_that_is_not_an_integer_gets_401(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, timestamp: str
) -> None:
    body = await _click_body(slack)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="studybot")  # bolt set it to the root's level
    caplog.clear()
    response = await slack.http.post(
        "/slack/events",
        content=body.encode(),
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": timestamp.encode(),  # type: ignore[dict-item]
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert response.status_code == 401
    (line,) = _slack_lines(caplog)
    assert line.exc_info is None
    assert "\n" not in line.getMessage()
    assert await stored_answers(slack.core) == 0


async def test_a_body_that_is_not_utf8_gets_401(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="studybot")  # bolt set it to the root's level
    ts = str(int(time.time()))
    response = await slack.http.post(
        "/slack/events",
        content=b"payload=\xff\xfe%7B%7D",
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert response.status_code == 401
    (line,) = _slack_lines(caplog)
    assert "UTF-8" in line.getMessage()
    assert await stored_answers(slack.core) == 0


async def test_a_non_ascii_signature_gets_401(slack: SlackHarness) -> None:
    response = await slack.http.post(
        "/slack/events",
        content=b"payload=%7B%7D",
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=ü".encode(),  # type: ignore[dict-item]
        },
    )
    assert response.status_code == 401


async def test_a_signed_view_submission_without_a_view_type_gets_400(slack: SlackHarness) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "view": {"id": "V1", "callback_id": "studybot_schedule", "state": {"values": {}}},
    }
    response = await slack.interact(payload)
    assert response.status_code == 400
    assert "view" in response.text


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "team": 5, "user": {"id": "U1"}, "actions": [{"action_id": "x"}]},
        {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": 3}]},
        {"type": "block_actions", "user": "U1", "actions": [{"action_id": "x"}]},
        {"type": "event_callback", "event": {"type": "message"}, "authorizations": 7},
        {"type": "event_callback", "event": {"type": "message", "channel": 4}},
        {"type": "view_closed", "user": {"id": "U1"}, "view": []},
        {"type": "shortcut", "user": {"id": "U1"}},
        {"type": "block_suggestion", "user": {"id": "U1"}},
    ],
)
async def test_other_signed_bodies_of_another_shape_get_400(
    slack: SlackHarness, payload: dict[str, object]
) -> None:
    response = await slack.interact(payload)
    assert response.status_code == 400, response.text


async def test_a_signed_command_with_a_field_that_is_not_text_gets_400(slack: SlackHarness) -> None:
    body = json.dumps(
        {
            "command": "/studybot",
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "text": ["x"],
        }
    )
    response = await slack.send(body, "application/json")
    assert response.status_code == 400


async def test_a_body_declared_over_one_mib_is_refused_unread(slack: SlackHarness) -> None:
    read = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(4):
            read += 1
            yield b"x" * 1024

    response = await slack.http.post(
        "/slack/events", content=body(), headers={"Content-Length": str(64 << 20)}
    )
    assert response.status_code == 413
    assert read <= 1  # at most the transport's first chunk


async def test_a_chunked_body_is_read_no_further_than_one_mib(slack: SlackHarness) -> None:
    read = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(1024):  # 64 MiB if it were all read
            read += 1
            yield b"x" * (64 << 10)

    response = await slack.http.post("/slack/events", content=body())
    assert response.status_code == 413
    assert read <= 18  # 1 MiB is 16 chunks; nothing much past it is pulled


async def test_an_unhandled_request_type_gets_a_quiet_200(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="studybot")  # bolt set it to the root's level
    caplog.clear()
    payload = {
        "type": "shortcut",
        "callback_id": "someone_elses",
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "trigger_id": "t",
    }
    response = await slack.interact(payload)
    assert response.status_code == 200
    assert response.text == ""
    warnings = [r for r in _slack_lines(caplog) if r.levelno >= logging.INFO]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "not handled" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()


async def test_a_signed_body_the_door_refuses_is_not_seen_by_bolt(slack: SlackHarness) -> None:
    """The shape check sits before dispatch: a refused body reaches no listener."""
    seen: list[object] = []

    async def record(body: dict[str, object], next: object) -> None:
        seen.append(body)

    slack.door.app.middleware(record)
    response = await slack.interact({"type": "view_submission", "user": {"id": "U1"}})
    assert response.status_code == 400
    assert seen == []
