"""The reply client: kept-alive connections, every response framing, errors and TLS, on loopback."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import logging
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.slack.hook_client import HookClient, HookError
from adapters.slack.replies import PrivateReplies


@dataclass
class Hooks:
    """A loopback response_url server that notes the client port of every request."""

    url: str = ""
    ports: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)


async def _serve(
    hooks: Hooks, context: ssl.SSLContext | None = None, **kwargs: float
) -> web.AppRunner:
    async def handle(request: web.Request) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        hooks.ports.append(peer[1] if peer else 0)
        hooks.bodies.append(await request.read())
        kind = request.match_info["kind"]
        if kind == "chunked":
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for part in (b'{"ok":', b"true", b"}"):
                await response.write(part)
            await response.write_eof()
            return response
        if kind == "close":
            return web.Response(text="ok", headers={"Connection": "close"})
        if kind == "expired":
            return web.Response(status=404, text="expired_url")
        if kind == "slow":
            await asyncio.sleep(2)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hooks/{kind}", handle)
    runner = web.AppRunner(app, access_log=None, **kwargs)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock, ssl_context=context).start()
    scheme = "https" if context else "http"
    hooks.url = f"{scheme}://localhost:{sock.getsockname()[1]}/hooks"
    return runner


@pytest.fixture
async def hooks() -> AsyncIterator[Hooks]:
    found = Hooks()
    runner = await _serve(found)
    yield found
    await runner.cleanup()


async def test_replies_reuse_one_kept_alive_connection(hooks: Hooks) -> None:
    client = HookClient()
    for n in range(5):
        assert await client.post_json(f"{hooks.url}/ok", b'{"n": %d}' % n) == (200, b"ok")
    await client.aclose()
    assert len(set(hooks.ports)) == 1
    assert hooks.bodies == [b'{"n": %d}' % n for n in range(5)]


async def test_concurrent_replies_share_at_most_per_host_connections(hooks: Hooks) -> None:
    client = HookClient(per_host=3)
    results = await asyncio.gather(*(client.post_json(f"{hooks.url}/ok", b"{}") for _ in range(30)))
    await client.aclose()
    assert results == [(200, b"ok")] * 30
    assert len(set(hooks.ports)) <= 3


async def test_a_chunked_response_is_read_whole(hooks: Hooks) -> None:
    client = HookClient()
    assert await client.post_json(f"{hooks.url}/chunked", b"{}") == (200, b'{"ok":true}')
    assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
    await client.aclose()
    assert len(set(hooks.ports)) == 1


async def test_connection_close_is_honoured(hooks: Hooks) -> None:
    client = HookClient()
    assert await client.post_json(f"{hooks.url}/close", b"{}") == (200, b"ok")
    assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
    await client.aclose()
    assert len(set(hooks.ports)) == 2


async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    hooks = Hooks()
    runner = await _serve(hooks, keepalive_timeout=0.05)
    client = HookClient()
    try:
        assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
        await asyncio.sleep(0.3)  # the server drops the idle connection
        assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
    finally:
        await client.aclose()
        await runner.cleanup()
    assert len(hooks.bodies) == 2
    assert len(set(hooks.ports)) == 2


async def test_no_response_in_time_is_an_error(hooks: Hooks) -> None:
    client = HookClient(timeout=0.2)
    with pytest.raises(HookError, match=r"no response within 0\.2 s"):
        await client.post_json(f"{hooks.url}/slow", b"{}")
    assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
    await client.aclose()


async def test_refused_and_bad_urls_are_errors() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once the socket is closed
    client = HookClient()
    with pytest.raises(HookError, match="cannot connect"):
        await client.post_json(f"http://127.0.0.1:{port}/hooks/ok", b"{}")
    for bad in ("ftp://example.invalid/x", "http://127.0.0.1:99999/x", "http:///x", "hooks/x"):
        with pytest.raises(HookError, match="not an http"):
            await client.post_json(bad, b"{}")
    await client.aclose()


async def test_the_request_names_the_path_query_and_host() -> None:
    heads: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while not reader.at_eof():  # one kept-alive connection, request after request
            try:
                heads.append(await reader.readuntil(b"\r\n\r\n"))
            except asyncio.IncompleteReadError:
                break
            await reader.readexactly(2)  # the body, {}
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = HookClient()
    try:
        for url in (f"http://127.0.0.1:{port}/a/b?x=1#part", f"http://127.0.0.1:{port}?y=2"):
            assert await client.post_json(url, b"{}") == (200, b"ok")
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()
    assert heads[0].startswith(b"POST /a/b?x=1 HTTP/1.1\r\n")
    assert heads[1].startswith(b"POST /?y=2 HTTP/1.1\r\n")
    assert all(f"\r\nHost: 127.0.0.1:{port}\r\n".encode() in head for head in heads)


async def test_private_replies_report_refusals_and_failures(
    hooks: Hooks, caplog: pytest.LogCaptureFixture
) -> None:
    replies = PrivateReplies()
    caplog.set_level(logging.WARNING, "studybot.slack")
    assert await replies.send(f"{hooks.url}/ok", {"text": "recorded"}) is True
    assert b'"response_type": "ephemeral"' in hooks.bodies[-1]
    assert await replies.send(f"{hooks.url}/expired", {"text": "late"}) is False
    assert "HTTP 404 expired_url" in caplog.text
    assert await replies.send("http://127.0.0.1:1/hooks/ok", {"text": "x"}) is False
    assert "not delivered" in caplog.text
    await replies.aclose()


async def test_https_response_urls_are_verified_and_work(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    hooks = Hooks()
    runner = await _serve(hooks, server_context)
    trusting = ssl.create_default_context(cafile=str(cert_file))
    try:
        client = HookClient(ssl_context=trusting)
        assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
        assert await client.post_json(f"{hooks.url}/ok", b"{}") == (200, b"ok")
        await client.aclose()
        assert len(set(hooks.ports)) == 1
        untrusting = HookClient()  # the system's roots do not know this certificate
        with pytest.raises(HookError, match="cannot connect"):
            await untrusting.post_json(f"{hooks.url}/ok", b"{}")
        await untrusting.aclose()
    finally:
        await runner.cleanup()


async def test_replies_go_through_the_outbound_proxy_the_environment_names(
    hooks: Hooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        seen.append(str(request.url))  # a forward proxy is sent the absolute URL
        body = await request.read()
        async with ClientSession() as session, session.post(str(request.url), data=body) as up:
            return web.Response(status=up.status, body=await up.read())

    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    proxy = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    replies = PrivateReplies()
    try:
        assert await replies.send(f"{hooks.url}/ok", {"text": "recorded"}) is True
        assert await replies.send(f"{hooks.url}/expired", {"text": "late"}) is False
    finally:
        await replies.aclose()
        await runner.cleanup()
    assert seen == [f"{hooks.url}/ok", f"{hooks.url}/expired"]
    assert b'"text": "recorded"' in hooks.bodies[0]


@dataclass
class RawServer:
    """A loopback HTTP server written by hand, to send what aiohttp's server never would."""

    url: str = ""
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0


async def _raw_server(
    server: RawServer, answer: Callable[[int, int], bytes | None]
) -> asyncio.Server:
    """`answer(connection number, request number on it)` is written back raw, then the
    connection is closed if the answer has no Content-Length; None closes without answering."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.connections += 1
        number, on_this = server.connections, 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                server.requests.append(head + await reader.readexactly(length))
                on_this += 1
                reply = answer(number, on_this)
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
                if b"content-length" not in reply.lower():
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    server.url = f"http://127.0.0.1:{port}/hook"
    return listening


async def test_a_response_that_ends_by_closing_the_connection_is_a_response() -> None:
    raw = RawServer()
    listening = await _raw_server(
        raw, lambda c, n: b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nok"
    )
    client = HookClient(timeout=5)
    try:
        assert await client.post_json(raw.url, b"{}") == (200, b"ok")
        assert await client.post_json(raw.url, b"{}") == (200, b"ok")  # on a new connection
    finally:
        await client.aclose()
        listening.close()
    assert raw.connections == 2


async def test_a_post_on_a_reused_connection_that_gets_no_response_is_not_sent_again() -> None:
    """The server takes the second POST and drops the connection without answering: it may
    have acted on it, so the client reports a failure instead of posting the reply twice."""
    raw = RawServer()
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    listening = await _raw_server(raw, lambda c, n: ok if (c, n) != (1, 2) else None)
    client = HookClient(timeout=5)
    try:
        assert await client.post_json(raw.url, b'{"n": 1}') == (200, b"ok")
        with pytest.raises(HookError):
            await client.post_json(raw.url, b'{"n": 2}')
        assert await client.post_json(raw.url, b'{"n": 3}') == (200, b"ok")
    finally:
        await client.aclose()
        listening.close()
    bodies = [r.rsplit(b"\r\n\r\n", 1)[1] for r in raw.requests]
    assert bodies == [b'{"n": 1}', b'{"n": 2}', b'{"n": 3}']  # the second was sent once
