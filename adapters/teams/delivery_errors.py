"""Translates Bot Connector failures into the core's DeliveryError (retryable or permanent)."""

from __future__ import annotations

import requests
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.domain.backoff import retry_after
from bot.ports import DeliveryError

RETRYABLE = {408, 412, 429}  # plus every 5xx


def _error_code(exc: HttpOperationError) -> str:
    try:
        body = exc.response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    return ""


def delivery_error(exc: BaseException, action: str) -> DeliveryError:
    """The DeliveryError for a failed send or update (`action` says which, for the message)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, HttpOperationError) and exc.response is not None:
        status = int(exc.response.status_code)
        detail = _error_code(exc)
        message = f"Teams refused to {action}: HTTP {status}" + (f" ({detail})" if detail else "")
        if status in RETRYABLE or status >= 500:
            return DeliveryError(
                message,
                permanent=False,
                retry_after=retry_after(exc.response.headers),
                rate_limited=status == 429,
            )
        # 401 token revoked, 403 bot removed or blocked, 404 conversation gone, other 4xx:
        # sending the same request again cannot succeed.
        return DeliveryError(message, permanent=True)
    if isinstance(exc, ClientRequestError | requests.RequestException | TimeoutError | OSError):
        return DeliveryError(f"could not reach Teams to {action}: {exc}", permanent=False)
    return DeliveryError(f"could not {action}: {type(exc).__name__}: {exc}", permanent=False)
