"""Signed, expiring tokens: the dashboard links, the session cookie and API bearer tokens.

itsdangerous signs them (HMAC-SHA256, the purpose as its salt, so a session cookie is never
accepted as a link or the other way round); each token carries its own expiry (`exp`, Unix
seconds), checked here, since links are made for different lengths of time.
"""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadPayload, BadSignature, URLSafeSerializer

MALFORMED = "The link is incomplete or malformed."
MAX_LENGTH = 4096


class BadToken(Exception):
    """A token is malformed, tampered with, for another purpose, or expired; says which."""


def _serializer(key: bytes, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=purpose, signer_kwargs={"digest_method": hashlib.sha256})


def sign(key: bytes, purpose: str, payload: dict[str, Any]) -> str:
    """`payload` must hold an integer `exp` (Unix seconds)."""
    return str(_serializer(key, purpose).dumps(payload))


def verify(key: bytes, purpose: str, token: str, now: float) -> dict[str, Any]:
    if "." not in token or len(token) > MAX_LENGTH:
        raise BadToken(MALFORMED)
    try:
        payload = _serializer(key, purpose).loads(token)
    except BadPayload:
        raise BadToken(MALFORMED) from None
    except BadSignature:
        raise BadToken(
            "The link's signature is not valid: it was changed or not made here."
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        raise BadToken(MALFORMED)
    if payload["exp"] <= now:
        raise BadToken("The link has expired. Ask for a new one.")
    return payload
