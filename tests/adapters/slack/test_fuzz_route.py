"""Fuzzes /slack/events with signed bodies: Slack's payloads with keys removed or given values
of other types, and arbitrary JSON. The route answers every one without a 5xx or an error log."""

from __future__ import annotations

import copy
import json
import logging
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.adapters.slack.conftest import SlackHarness, block_actions

DELETE = object()
LEAF = st.none() | st.booleans() | st.integers(-5, 2**40) | st.text(max_size=6)
JSON = st.recursive(
    LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _click() -> dict[str, Any]:
    action = {
        "action_id": "studybot_answer_A",
        "block_id": "studybot_options",
        "type": "button",
        "value": "1:a",
        "action_ts": "1.2",
    }
    return block_actions("T1", "C1", "U1", action, "http://127.0.0.1:9/response/x")


def _view_submission() -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "example"},
        "user": {"id": "U1", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "t",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "studybot_schedule",
            "team_id": "T1",
            "private_metadata": json.dumps({"channel_id": "C1"}),
            "state": {
                "values": {"time": {"value": {"type": "timepicker", "selected_time": "09:00"}}}
            },
        },
    }


def _event() -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": {"type": "member_joined_channel", "user": "U1", "channel": "C1", "team": "T1"},
        "event_id": "Ev1",
        "event_time": 1,
        "authorizations": [
            {"team_id": "T1", "user_id": "UB", "is_bot": True, "is_enterprise_install": False}
        ],
    }


def _command() -> dict[str, Any]:
    return {
        "command": "/studybot",
        "text": "help",
        "team_id": "T1",
        "channel_id": "C1",
        "user_id": "U1",
        "response_url": "http://127.0.0.1:9/response/c",
        "trigger_id": "t",
    }


BASES = {"click": _click, "view": _view_submission, "event": _event, "command": _command}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _mutate(body: dict[str, Any], path: tuple[Any, ...], value: object) -> None:
    parent: Any = body
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(BASES)))
    body = BASES[name]()
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(body)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        _mutate(body, path, draw(st.just(DELETE) | JSON))
    return name, body


async def _post(slack: SlackHarness, name: str, body: object) -> int:
    if name == "command":
        if isinstance(body, dict):
            text = "&".join(
                f"{k}={json.dumps(v) if not isinstance(v, str) else v}" for k, v in body.items()
            )
            response = await slack.send(text, "application/x-www-form-urlencoded")
        else:
            response = await slack.send(json.dumps(body), "application/json")
    elif name == "event":
        response = await slack.send(json.dumps(body), "application/json")
    else:
        from urllib.parse import urlencode

        response = await slack.send(
            urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded"
        )
    return response.status_code


FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(case=mutated())
async def test_slacks_payloads_mutated_never_get_a_5xx(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, case: tuple[str, dict[str, Any]]
) -> None:
    caplog.set_level(logging.WARNING, logger="studybot.slack")
    caplog.clear()
    name, body = case
    status = await _post(slack, name, body)
    await slack.door.settle()
    assert status < 500, (name, body)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], (name, body)


@FUZZ
@given(body=JSON, as_form=st.booleans())
async def test_arbitrary_signed_json_never_gets_a_5xx(
    slack: SlackHarness, body: object, as_form: bool
) -> None:
    status = await _post(slack, "click" if as_form else "event", body)
    assert status < 500, body


async def test_the_fuzzed_bases_are_real_requests(slack: SlackHarness) -> None:
    """Unmutated, each base is a request the door serves (so mutations test the checks)."""
    for name in BASES:
        body = copy.deepcopy(BASES[name]())
        if name == "event":
            body["event_time"] = int(time.time())
        assert await _post(slack, name, body) == 200, name
