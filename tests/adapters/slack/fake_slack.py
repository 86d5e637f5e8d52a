"""A loopback fake of the Slack Web API (port 0 on 127.0.0.1) that records every call.

It behaves like the real service where studybot depends on it: bearer-token auth (invalid_auth),
ok=false error bodies, HTTP 429 with Retry-After and 5xx when scripted, Block Kit validation with
slack_sdk's models (invalid_blocks), messages that chat.update can only change when they exist,
a known user's id as chat.postMessage's channel posting in the app's DM with that person, OAuth
code exchange, and response_url endpoints for ephemeral replies.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


@dataclass
class Workspace:
    team_id: str
    name: str
    token: str
    bot_user_id: str
    bot_id: str


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str]


@dataclass
class FakeSlack:
    """Start with `await fake.start()`; point clients at `fake.api_url`."""

    workspaces: dict[str, Workspace] = field(default_factory=dict)  # by token
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # response_url posts
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    directs: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # user, ts, body
    failures: dict[str, list[Failure | None]] = field(default_factory=dict)  # None: answer as usual
    oauth_codes: dict[str, Workspace] = field(default_factory=dict)
    refresh_tokens: dict[str, Workspace] = field(default_factory=dict)  # token rotation
    app_tokens: set[str] = field(default_factory=set)  # Socket Mode (xapp-…)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    validate: bool = True  # Block Kit checks on response_url posts (the benchmark turns them off)
    client_id: str = "111.222"
    client_secret: str = "client-secret"
    _runner: web.AppRunner | None = None
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _last_message_ts: float = 0.0
    port: int = 0

    def add_workspace(self, team_id: str, name: str = "") -> Workspace:
        ws = Workspace(
            team_id,
            name or f"Workspace {team_id}",
            f"xoxb-{team_id}-token",
            f"UB{team_id}",
            f"B{team_id}",
        )
        self.workspaces[ws.token] = ws
        return ws

    def add_user(self, user_id: str, *, admin: bool = False, tz: str = "Europe/Berlin") -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": user_id.lower(),
            "tz": tz,
            "is_admin": admin,
            "profile": {"display_name": f"Name {user_id}"},
        }

    def fail_next(
        self,
        method: str,
        status: int = 200,
        error: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        body: str | None = None,
    ) -> None:
        """Make the next call of `method` fail with this status and error body."""
        payload: dict[str, Any] | str = body if body is not None else {"ok": False, "error": error}
        self.failures.setdefault(method, []).append(Failure(status, payload, headers or {}))

    def pass_next(self, method: str) -> None:
        """Answer the next call of `method` as usual (to fail the one after it)."""
        self.failures.setdefault(method, []).append(None)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, predicate: Callable[[], Any], within: float = 60.0, what: str = "a condition"
    ) -> Any:
        """Poll until predicate() is truthy (background listeners finish after the ack)."""
        deadline = time.monotonic() + within
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.005)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/response/{name}", self._response)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))  # port 0: the system picks a free port
        self.port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()

    async def push(self, envelope: dict[str, Any]) -> None:
        """Send a Socket Mode envelope to the connected app."""
        await self.wait_for(lambda: self._sockets, what="a Socket Mode connection")
        await self._sockets[-1].send_json(envelope)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        self._sockets.append(ws)
        async for message in ws:
            if message.type.name == "TEXT":
                self.socket_acks.append(json.loads(message.data))
        return ws

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append((request.match_info["name"], body))
        problem = _blocks_problem(body.get("blocks"), 50) if self.validate else None
        if problem:
            return web.Response(status=400, text="invalid_blocks")
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(await request.post())
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
        self.calls.append(Call(method, params, token))
        queued = self.failures.get(method)
        failure = queued.pop(0) if queued else None
        if failure is not None:
            if isinstance(failure.body, str):
                return web.Response(
                    status=failure.status, text=failure.body, headers=failure.headers
                )
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if method == "oauth.v2.access":
            return web.json_response(self._oauth(request, params))
        if method == "apps.connections.open":
            if token not in self.app_tokens:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"})
        ws = self.workspaces.get(str(token))
        if ws is None:
            return web.json_response(
                {"ok": False, "error": "invalid_auth" if token else "not_authed"}
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(handler(ws, params))

    def _oauth(self, request: web.Request, params: dict[str, Any]) -> dict[str, Any]:
        credentials: tuple[object, object] = (params.get("client_id"), params.get("client_secret"))
        if request.headers.get("Authorization", "").startswith("Basic "):
            raw = base64.b64decode(request.headers["Authorization"][6:]).decode()
            client_id, _, secret = raw.partition(":")
            credentials = (client_id, secret)
        if credentials != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            return self._rotate(str(params.get("refresh_token")))
        ws = self.oauth_codes.pop(str(params.get("code")), None)
        if ws is None:
            return {"ok": False, "error": "invalid_code"}
        self.workspaces[ws.token] = ws
        return {
            "ok": True,
            "app_id": "A1",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "chat:write,commands",
            "token_type": "bot",
            "access_token": ws.token,
            "bot_user_id": ws.bot_user_id,
            "team": {"id": ws.team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _rotate(self, refresh_token: str) -> dict[str, Any]:
        ws = self.refresh_tokens.pop(refresh_token, None)
        if ws is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        n = next(self._ts)
        token, refresh = f"xoxb-{ws.team_id}-rotated-{n}", f"xoxe-{ws.team_id}-{n}"
        self.workspaces[token] = ws
        self.refresh_tokens[refresh] = ws
        return {
            "ok": True,
            "token_type": "bot",
            "access_token": token,
            "refresh_token": refresh,
            "expires_in": 43200,
            "team": {"id": ws.team_id, "name": ws.name},
        }

    def _auth_test(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "team_id": ws.team_id,
            "team": ws.name,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "url": "https://example.slack.com/",
        }

    def _chat_postMessage(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        problem = _message_problem(params)
        if problem:
            return {"ok": False, "error": problem}
        ts = self._message_ts()
        channel = str(params["channel"])
        if channel in self.users:  # a user id: Slack posts in the app's DM with that person
            channel = "D" + channel
            self.directs.append((str(params["channel"]), ts, dict(params)))
        self.messages[(channel, ts)] = dict(params)
        return {"ok": True, "channel": channel, "ts": ts, "message": params}

    def _message_ts(self) -> str:
        """A message's ts as Slack makes it: the Unix time of the post, with microseconds, and
        distinct within the channel (here: later than the one before, by at least 1 ms)."""
        self._last_message_ts = max(time.time(), self._last_message_ts + 0.001)
        return f"{self._last_message_ts:.6f}"

    def _chat_update(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params.get("channel")), str(params.get("ts")))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        problem = _message_problem(params)
        if problem:
            return {"ok": False, "error": problem}
        self.messages[key] = dict(params)
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _chat_postEphemeral(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        problem = _message_problem(params)
        return {"ok": False, "error": problem} if problem else {"ok": True, "message_ts": "1.0"}

    def _conversations_history(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel"))
        found = [
            {"type": "message", "ts": ts, "text": m.get("text"), "bot_id": ws.bot_id}
            | (
                {"metadata": m["metadata"]}
                if "metadata" in m and params.get("include_all_metadata")
                else {}
            )
            for (c, ts), m in self.messages.items()
            if c == channel and float(ts) >= float(params.get("oldest") or 0)
        ]
        found.reverse()  # newest first, like Slack
        return {"ok": True, "messages": found, "has_more": False}

    def _users_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _team_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "team": {"id": ws.team_id, "name": ws.name}}

    def _conversations_info(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel"))
        return {"ok": True, "channel": {"id": channel, "name": f"study-{channel.lower()}"}}

    def _views_open(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view(params)

    def _views_publish(self, ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view(params)

    def _view(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("view")
        view: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw or {}
        try:
            View(**view).to_dict()
        except (SlackObjectFormationError, TypeError) as exc:
            return {"ok": False, "error": "invalid_arguments", "detail": str(exc)}
        return {"ok": True, "view": {"id": "V1", **view}}


def _message_problem(params: dict[str, Any]) -> str | None:
    if not params.get("channel"):
        return "channel_not_found"
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not params.get("text") and not blocks:
        return "no_text"
    return "invalid_blocks" if _blocks_problem(blocks, 50) else None


def _blocks_problem(blocks: Any, limit: int) -> str | None:
    if blocks is None:
        return None
    if not isinstance(blocks, list) or len(blocks) > limit:
        return "too many blocks"
    for raw in blocks:
        parsed = Block.parse(raw)
        if parsed is None:
            return "unknown block"
        try:
            parsed.to_dict()
        except SlackObjectFormationError as exc:
            return str(exc)
    return None
