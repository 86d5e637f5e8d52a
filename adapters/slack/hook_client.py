"""A lean HTTP/1.1 client for posting JSON to response_urls over kept-alive connections.

Each answer click is followed by one private reply, so this POST is on the hot path. aiohttp
does the job (PrivateReplies uses it behind an outbound proxy), but what it lacks here is a cheap
path for one small POST: it builds a general request (header multidicts, cookie jar, tracing
signals, per-request timeouts and connector bookkeeping), about 0.27 ms of CPU per post against
this client's 0.08 ms in the step table of docs/slack.md. Side by side in one run on 2026-12-02
(`tests/perf/bench_slack.py --modes replies --members 2000 --rate 500 --saturation 1000
--rounds 5`, SQLite, load average about 11 on 2 cores, medians of 5 paired rounds), the door's
server CPU per answer click, reply included, was 0.68 ms here against 1.35 ms through aiohttp
in the burst (paired ratio 1.86) and 0.76 against 1.36 ms at saturation (1.79), where this one
also answered 1.37 times as many clicks a second (docs/performance.md). This client writes the
request itself, lets httptools (C) parse the response and reuses connections per host; it does
only what response_urls need: POST, JSON, http and https, no redirects.
A response is framed by Content-Length, by chunks, or by the server closing the connection. A
POST is never sent twice: a connection that fails after the request was written is a HookError.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from urllib.parse import urlsplit

import httptools

IDLE_SECONDS = 15.0  # close a connection idle longer than this instead of reusing it
MAX_BODY = 1 << 16  # a reply's answer is a short status; never hold more than this


class HookError(Exception):
    """The POST did not get an HTTP response (refused, reset, timed out or garbled)."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    host_header: str  # host, with the port unless it is the scheme's default


class _Connection(asyncio.Protocol):
    """One kept-alive connection carrying one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.idle_since = time.monotonic()
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self._body = bytearray()
        self._keep_alive = True
        self._framed = False  # the response says where its body ends (length or chunks)
        self._headers_done = False
        self.open = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport, self.open = cast(asyncio.Transport, transport), True

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HookError(f"unreadable HTTP response: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if exc is None and self._headers_done and not self._framed:
            self._keep_alive = False
            self.on_message_complete()  # a body without length or chunks ends with the connection
            return
        self._fail(HookError(f"connection closed before the response ({exc or 'by the server'})"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"connection" and value.strip().lower() == b"close":
            self._keep_alive = False
        elif name in (b"content-length", b"transfer-encoding"):
            self._framed = True

    def on_headers_complete(self) -> None:
        self._headers_done = True
        if self._parser.get_status_code() in (204, 304) or self._parser.get_status_code() < 200:
            self._framed = True  # no body at all

    def on_body(self, body: bytes) -> None:
        if len(self._body) < MAX_BODY:
            self._body += body[: MAX_BODY - len(self._body)]

    def on_message_complete(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self._parser.get_status_code(), bytes(self._body)))

    # the client's side
    def send(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        self._body.clear()
        self._keep_alive = True
        self._framed = self._headers_done = False
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self._waiter

    @property
    def reusable(self) -> bool:
        return self.open and self._keep_alive and self._waiter is None

    def close(self) -> None:
        self.open = False
        if self.transport is not None:
            self.transport.close()

    def _fail(self, exc: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self.close()


class HookClient:
    """Posts JSON bodies to URLs, pooling up to `per_host` connections for each host.

    `timeout` bounds each post as a whole: waiting for a connection, connecting, the response.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        per_host: int = 64,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._timeout = timeout
        self._idle: dict[_Target, list[_Connection]] = defaultdict(list)
        self._slots: dict[_Target, asyncio.Semaphore] = {}
        self._per_host = per_host
        self._ssl = ssl_context

    async def post_json(self, url: str, body: bytes) -> tuple[int, bytes]:
        """(status, first bytes of the body); HookError when no HTTP response came back."""
        target, path = _parse(url)
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {target.host_header}\r\nUser-Agent: studybot\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1") + body
        slots = self._slots.get(target)
        if slots is None:
            slots = self._slots[target] = asyncio.Semaphore(self._per_host)
        try:
            async with asyncio.timeout(self._timeout), slots:
                # Never sent again: once written, a POST may have been acted on even when no
                # response came back, and a reply posted twice shows twice.
                connection = await self._connection(target)
                return await self._exchange(connection, target, request)
        except TimeoutError:
            raise HookError(f"no response within {self._timeout:g} s") from None
        except OSError as exc:
            raise HookError(f"cannot connect to {target.host}: {exc}") from None

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def _exchange(
        self, connection: _Connection, target: _Target, request: bytes
    ) -> tuple[int, bytes]:
        try:
            result = await connection.send(request)
        except BaseException:
            connection.close()
            raise
        if connection.reusable:
            connection.idle_since = time.monotonic()
            self._idle[target].append(connection)
        else:
            connection.close()
        return result

    async def _connection(self, target: _Target) -> _Connection:
        idle = self._idle[target]
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            closing = connection.transport is None or connection.transport.is_closing()
            if connection.reusable and not closing and now - connection.idle_since < IDLE_SECONDS:
                return connection
            connection.close()
        return await self._open(target)

    async def _open(self, target: _Target) -> _Connection:
        loop = asyncio.get_running_loop()
        secure = target.scheme == "https"
        if secure and self._ssl is None:
            self._ssl = ssl.create_default_context()
        _, connection = await loop.create_connection(
            _Connection,
            target.host,
            target.port,
            ssl=self._ssl if secure else None,
            server_hostname=target.host if secure else None,
        )
        return connection


# scheme, authority, then path, query and fragment (as urlsplit divides a URL)
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^#]*)")


def _parse(url: str) -> tuple[_Target, str]:
    """The URL's host and request path; replies go to a handful of hosts, so those are cached."""
    match = _URL.match(url)
    if match is None:
        raise HookError(f"not an http(s) URL: {url[:80]}")
    path = match[3] or "/"
    return _target(match[1].lower(), match[2]), path if path.startswith("/") else f"/{path}"


@lru_cache(maxsize=256)
def _target(scheme: str, authority: str) -> _Target:
    parts = urlsplit(f"{scheme}://{authority}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise HookError(f"not an http(s) URL: {scheme}://{authority[:60]}")
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname  # IPv6
    host_header = host if port == default_port else f"{host}:{port}"
    return _Target(scheme, parts.hostname, port, host_header)
