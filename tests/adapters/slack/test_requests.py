"""Forged, stale and malformed requests: 401 or 400, nothing stored, the service keeps serving."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from tests.adapters.slack.conftest import SlackHarness, block_actions
from tests.adapters.slack.helpers import post_drop, stored_answers, study_channel


async def _drop_value(slack: SlackHarness) -> str:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    return f"{card.drop_id}:{card.options[0].id}"


def _click(slack: SlackHarness, value: str) -> str:
    action = {
        "action_id": "studybot_answer_A",
        "block_id": "studybot_options",
        "type": "button",
        "value": value,
        "action_ts": "1.2",
    }
    payload = block_actions("T1", "C1", "U1", action, slack.fake.response_url("c"))
    return urlencode({"payload": json.dumps(payload)})


async def test_a_forged_signature_gets_401_and_stores_nothing(slack: SlackHarness) -> None:
    body = _click(slack, await _drop_value(slack))
    response = await slack.send(body, "application/x-www-form-urlencoded", secret="wrong")
    assert response.status_code == 401
    assert await stored_answers(slack.core) == 0
    assert slack.fake.responses == []


async def test_a_stale_timestamp_gets_401(slack: SlackHarness) -> None:
    body = _click(slack, await _drop_value(slack))
    response = await slack.send(
        body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60
    )
    assert response.status_code == 401
    assert await stored_answers(slack.core) == 0


async def test_missing_signature_headers_get_401(slack: SlackHarness) -> None:
    body = _click(slack, await _drop_value(slack))
    response = await slack.http.post(
        "/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 401
    assert await stored_answers(slack.core) == 0


async def test_a_body_changed_after_signing_gets_401(slack: SlackHarness) -> None:
    value = await _drop_value(slack)
    ts = str(int(time.time()))
    from slack_sdk.signature import SignatureVerifier

    signature = SignatureVerifier(slack.secret).generate_signature(
        timestamp=ts, body=_click(slack, value)
    )
    assert signature is not None
    response = await slack.http.post(
        "/slack/events",
        content=_click(slack, value.replace(":", ":b")).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        },
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        ("hello=world", "application/x-www-form-urlencoded"),
        ('{"type": "event_callback"}', "application/json"),
        ('{"no": "type"}', "application/json"),
        ("[]", "application/json"),
        ("command=%2Fstudybot&text=me", "application/x-www-form-urlencoded"),
    ],
)
async def test_a_malformed_signed_body_gets_400(
    slack: SlackHarness, body: str, content_type: str
) -> None:
    response = await slack.send(body, content_type)
    assert response.status_code == 400
    assert "malformed" in response.text
    assert await stored_answers(slack.core) == 0


@pytest.mark.parametrize(
    "value", ["", "12", "abc:def", "1:2:3", "99999999999999:a", "1:" + "x" * 40, "1:a b"]
)
async def test_a_malformed_button_value_gets_400_and_stores_nothing(
    slack: SlackHarness, value: str
) -> None:
    await _drop_value(slack)
    response = await slack.send(_click(slack, value), "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert await stored_answers(slack.core) == 0
    assert slack.fake.responses == []


async def test_an_answer_without_a_channel_gets_400(slack: SlackHarness) -> None:
    value = await _drop_value(slack)
    action = {"action_id": "studybot_answer_A", "type": "button", "value": value}
    payload = block_actions("T1", "C1", "U1", action, slack.fake.response_url("c"))
    del payload["channel"]
    response = await slack.interact(payload)
    assert response.status_code == 400
    assert await stored_answers(slack.core) == 0


async def test_the_service_still_answers_after_bad_requests(slack: SlackHarness) -> None:
    value = await _drop_value(slack)
    await slack.send("payload=%7B", "application/x-www-form-urlencoded")
    await slack.send(_click(slack, value), "application/x-www-form-urlencoded", secret="bad")
    ok = await slack.send(_click(slack, value), "application/x-www-form-urlencoded")
    assert ok.status_code == 200
    await slack.fake.wait_for(lambda: slack.fake.responses, what="the private reply")
    assert await stored_answers(slack.core) == 1


async def test_slacks_url_check_is_answered_with_its_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "ch4ll3nge", "type": "url_verification"})
    response = await slack.send(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "ch4ll3nge"}
    forged = await slack.send(body, "application/json", secret="nope")
    assert forged.status_code == 401
