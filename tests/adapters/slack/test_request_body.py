"""The fast decoder of interaction payloads agrees with bolt's parser or leaves the body to it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request
from starlette.requests import Request

from adapters.slack.request_body import bolt_request, payload_of
from tests.adapters.slack.conftest import block_actions

PAYLOADS: list[dict[str, Any]] = [
    {"type": "block_actions", "text": "plain"},
    {"type": "block_actions", "text": "spaces, + plus, % percent, & ampersand, = equals; semi"},
    {"type": "block_actions", "text": 'Grüße, 日本語, emoji 🎉, quote " and backslash \\'},
    {"type": "block_actions", "nested": {"list": [1, 2.5, None, True], "empty": ""}},
    {"type": "block_actions", "text": "line\nbreak\ttab"},
]


def bolt_parse(body: bytes) -> Any:
    return json.loads(dict(parse_qsl(body.decode(), keep_blank_values=True))["payload"])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_form_encoded_payload_decodes_as_bolt_decodes_it(payload: dict[str, Any]) -> None:
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
    assert payload_of(body) == bolt_parse(body) == payload


@pytest.mark.parametrize(
    "body",
    [
        b"token=x&team_id=T1&command=%2Fstudybot",  # a slash command: several fields
        b'{"type": "event_callback"}',  # JSON, which bolt reads directly
        b"payload=%7B%22a%22%3A%201%7D&payload=%7B%7D",  # a second field
        b"payload=%7B%22a%22%3A%20%22\\x41%22%7D",  # a raw backslash
        b"payload=%7B%22a%22%3A%20%22100%%22%7D",  # a lone %, which parse_qsl keeps as is
        b"payload=%7B%22a%22%3A%20%22%zz%22%7D",  # not a hex escape
        b"payload=%7B%22a%22%3A%20%22%FF%22%7D",  # not UTF-8
        b"payload=%5B1%2C%202%5D",  # JSON, but not an object
        b"payload=%7Bnot%20json",
    ],
)
def test_anything_else_is_left_to_bolt(body: bytes) -> None:
    assert payload_of(body) is None


def _request(body: bytes) -> Request:
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    return Request({"type": "http", "method": "POST", "headers": headers, "query_string": b""})


def test_the_bolt_request_matches_the_adapter_s() -> None:
    action = {"action_id": "studybot_answer_A", "value": "7:a", "type": "button"}
    payload = block_actions("T1", "C1", "U1", action, "https://hooks.example/r/1")
    body = urlencode({"payload": json.dumps(payload)}).encode()
    ours, theirs = bolt_request(_request(body), body), to_async_bolt_request(_request(body), body)
    assert ours.body == theirs.body == payload
    assert ours.raw_body == theirs.raw_body
    assert dict(ours.context) == dict(theirs.context)
    assert ours.context.team_id == "T1"
    assert ours.context.channel_id == "C1"
    assert ours.headers == theirs.headers
    assert ours.mode == theirs.mode == "http"


# Property tests: payload_of rests on codecs.escape_decode, which CPython does not document;
# these pin that it agrees with urllib's parse_qsl (what bolt uses) wherever it answers at all.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FRAGMENTS = st.lists(
    st.sampled_from(
        [
            b"%",
            b"%2",
            b"%7B",
            b"%7D",
            b"%22",
            b"%5C",
            b"%3A",
            b"%C3",
            b"%A9",
            b"%FF",
            b"%e2",
            b"%zz",
            b"+",
            b"&",
            b"=",
            b"\\",
            b"\\x41",
            b"a",
            b"1",
            b"{",
            b"}",
            b'"',
            b":",
            b" ",
            "é".encode(),
            b"\xff",
            b"payload=",
        ]
    ),
    min_size=1,
    max_size=3,
).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(payload=st.dictionaries(TEXT, JSON_VALUES, max_size=6), ascii_only=st.booleans())
def test_any_form_encoded_json_object_decodes_as_parse_qsl_decodes_it(
    payload: dict[str, Any], ascii_only: bool
) -> None:
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=ascii_only)}).encode()
    assert payload_of(body) == bolt_parse(body)
    assert payload_of(body) is not None  # the fast path takes every body Slack sends


@settings(max_examples=600, deadline=None)
@given(
    payload=st.dictionaries(TEXT, JSON_VALUES, min_size=1, max_size=4),
    fragment=FRAGMENTS,
    where=st.floats(0, 1),
)
def test_any_other_body_is_decoded_as_parse_qsl_decodes_it_or_left_to_bolt(
    payload: dict[str, Any], fragment: bytes, where: float
) -> None:
    """A Slack body with anything spliced in: the decoder agrees with parse_qsl or declines."""
    encoded = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
    cut = len(b"payload=") + int(where * (len(encoded) - len(b"payload=")))
    body = encoded[:cut] + fragment + encoded[cut:]
    ours = payload_of(body)
    if ours is not None:
        assert ours == bolt_parse(body)
