"""HMAC-signed, expiring tokens: the dashboard links, the session cookie and API bearer tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


class BadToken(Exception):
    """A token is malformed, tampered with, for another purpose, or expired; says which."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, purpose: str, payload: dict[str, Any]) -> str:
    """`payload` must hold an integer `exp` (Unix seconds); `purpose` keeps a session cookie from
    being accepted as a link and the other way round."""
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(key: bytes, purpose: str, token: str, now: float) -> dict[str, Any]:
    body, dot, mac = token.partition(".")
    if not dot or not body or not mac or len(token) > 4096:
        raise BadToken("The link is incomplete or malformed.")
    expected = hmac.new(key, f"{purpose}.{body}".encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
    except ValueError:
        raise BadToken("The link is incomplete or malformed.") from None
    if not hmac.compare_digest(expected, given):
        raise BadToken("The link's signature is not valid: it was changed or not made here.")
    try:
        payload = json.loads(_unb64(body))
    except ValueError:
        raise BadToken("The link is incomplete or malformed.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        raise BadToken("The link is incomplete or malformed.")
    if payload["exp"] <= now:
        raise BadToken("The link has expired. Ask for a new one.")
    return payload
