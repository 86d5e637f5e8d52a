"""The Bot Framework signing keys, fetched off the event loop with a timeout and kept when good.

botframework-connector's own key cache (`_OpenIdMetadata`) calls `requests.get` on the event loop
without a timeout and forgets a failure, so one token sent while the key endpoint hangs would
stall every door of the service. `install_signing_keys` puts this cache in its place, per
metadata URL: fetches run in a worker thread with a timeout, one at a time; the last good keys
stay in use when a refresh fails; a failure is remembered briefly so a burst of tokens does not
become a burst of fetches; `warm_in_background` fetches them at start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from botframework.connector.auth import JwtTokenExtractor  # type: ignore[import-untyped]
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger("studybot.teams")

REFRESH_AFTER = 24 * 3600.0  # the SDK's own age for keys
UNKNOWN_KEY_REFRESH = 3600.0  # an unknown key id refetches at most once an hour (as the SDK)
FAILURE_PAUSE = 30.0  # after a failed fetch, answer from what we have for this long
TIMEOUT = 5.0  # seconds for each of the two HTTP calls


class SigningKeysUnavailable(Exception):
    """The signing keys could not be fetched and none are known: the token cannot be checked."""


@dataclass(frozen=True)
class SigningKey:
    """What the SDK's token check reads from its metadata: the public key and its endorsements."""

    public_key: Any
    endorsements: list[str]


class SigningKeys:
    """A drop-in for the SDK's `_OpenIdMetadata` (the `get(key_id)` coroutine it calls)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = TIMEOUT,
        failure_pause: float = FAILURE_PAUSE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.failure_pause = failure_pause
        self._now = monotonic
        self._keys: list[dict[str, Any]] = []
        self._fetched_at: float | None = None
        self._failed_at: float | None = None
        self._running: asyncio.Future[None] | None = None

    async def get(self, key_id: str | None) -> SigningKey | None:
        """The key a token names, refreshing when the keys are old or the id is new to us."""
        now = self._now()
        if self._fetched_at is None or now - self._fetched_at > REFRESH_AFTER:
            await self._refresh(required=self._fetched_at is None)
        key = self._find(key_id)
        age = None if self._fetched_at is None else self._now() - self._fetched_at
        if key is None and age is not None and age > UNKNOWN_KEY_REFRESH:
            await self._refresh(required=False)
            key = self._find(key_id)
        return key

    def warm_in_background(self) -> threading.Thread:
        """Fetch the keys in a worker thread now (at start), without waiting for it."""
        thread = threading.Thread(target=self._warm_sync, name="teams-signing-keys", daemon=True)
        thread.start()
        return thread

    def _warm_sync(self) -> None:
        try:
            keys = self._download()
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            log.warning("Bot Framework signing keys not fetched at start: %s", type(exc).__name__)
            return
        if self._fetched_at is None:  # a fetch on demand may have been quicker
            self._keys = keys
            self._fetched_at = self._now()

    async def _refresh(self, *, required: bool) -> None:
        """Fetch once (joining a fetch under way); raise only when `required` and nothing known."""
        paused = self._failed_at is not None and self._now() - self._failed_at < self.failure_pause
        if not paused:
            if self._running is None or self._running.done():
                self._running = asyncio.ensure_future(self._fetch())
            await asyncio.shield(self._running)
        if required and not self._keys:
            raise SigningKeysUnavailable("the Bot Framework signing keys could not be fetched")

    async def _fetch(self) -> None:
        try:
            keys = await asyncio.wait_for(
                asyncio.to_thread(self._download), timeout=2 * self.timeout + 1
            )
        except (requests.RequestException, ValueError, KeyError, TypeError, TimeoutError) as exc:
            self._failed_at = self._now()
            log.warning("Bot Framework signing keys fetch failed: %s", type(exc).__name__)
            return
        self._keys = keys
        self._fetched_at = self._now()
        self._failed_at = None

    def _download(self) -> list[dict[str, Any]]:
        """The two blocking calls (metadata, then keys); runs in a worker thread."""
        metadata = requests.get(self.url, timeout=self.timeout)
        metadata.raise_for_status()
        keys_url = metadata.json()["jwks_uri"]
        response = requests.get(keys_url, timeout=self.timeout)
        response.raise_for_status()
        keys = response.json()["keys"]
        if not isinstance(keys, list):
            raise ValueError("the keys document has no list of keys")
        return [k for k in keys if isinstance(k, dict)]

    def _find(self, key_id: str | None) -> SigningKey | None:
        for key in self._keys:
            if key.get("kid") == key_id:
                public_key = RSAAlgorithm.from_jwk(json.dumps(key))
                return SigningKey(public_key, list(key.get("endorsements", [])))
        return None


def install_signing_keys(urls: list[str], **options: Any) -> list[SigningKeys]:
    """Use our key cache for these metadata URLs in every token check the SDK makes."""
    installed = [SigningKeys(url, **options) for url in urls]
    for keys in installed:
        JwtTokenExtractor.metadataCache[keys.url] = keys
    return installed
