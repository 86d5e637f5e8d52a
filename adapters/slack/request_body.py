"""Turns a signed HTTP body into bolt's request, decoding interaction payloads in C.

A button click arrives as `payload=<URL-encoded JSON>`. bolt decodes it with urllib's
parse_qsl, which handles each %XX escape in Python: 55 µs for the benchmark's 0.9 KB click, more
for Slack's larger real ones (docs/slack.md). `payload_of` decodes the same body with the C
escape decoder instead (12 µs) and returns None for anything it is not certain about, which
then goes through bolt's own parser.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from starlette.requests import Request

PAYLOAD = b"payload="


def bolt_request(request: Request, body: bytes) -> AsyncBoltRequest:
    """bolt's request for a signed body, as bolt's Starlette adapter builds it."""
    payload = payload_of(body)
    if payload is None:
        return to_async_bolt_request(request, body)
    bolt = AsyncBoltRequest(body="", query=request.query_params, headers=request.headers)  # type: ignore[arg-type]
    bolt.raw_body = body.decode("utf-8")
    bolt.body = payload
    bolt.context = build_async_context(AsyncBoltContext(), payload)
    return bolt


def payload_of(body: bytes) -> dict[str, Any] | None:
    """The JSON object of a lone `payload=` form field; None when the body is anything else.

    Equal to json.loads(dict(parse_qsl(body))["payload"]) for every body it accepts. Form
    encoding leaves no raw backslash, so turning each %XX into \\xXX is safe; a body with a
    backslash, a second field or a bad escape is left to bolt's parser.
    """
    if not body.startswith(PAYLOAD) or b"&" in body or b"\\" in body:
        return None
    escaped = body[len(PAYLOAD) :].replace(b"+", b" ").replace(b"%", b"\\x")
    try:
        text = codecs.escape_decode(escaped)[0].decode("utf-8")
        payload = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None
