"""A loopback fake of the Bot Connector service: conversations, roster, token keys, 429s.

It runs a real HTTP server on 127.0.0.1 (port 0) in a thread, because the SDK's outbound calls go
through requests/msrest. It records what the bot sent, checks the bearer token when told to,
answers like the real service on errors (status, Retry-After, {"error": {code, message}}), and
serves OpenID metadata and signing keys so tests can sign inbound tokens the SDK verifies.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"


@dataclass
class Call:
    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None


@dataclass
class Failure:
    status: int
    code: str
    retry_after: str | None = None


@dataclass
class FakeConnector:
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    expected_token: str | None = None
    key_id: str = "test-key"
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)  # team id -> details
    channels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # team id -> channels
    roster_reads: list[str] = field(default_factory=list)  # conversation ids of pagedmembers reads
    roster_fails: bool = False  # pagedmembers answers 403 (no permission)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    # --- test controls -------------------------------------------------------------------
    def fail_next(
        self, status: int, code: str, retry_after: str | None = None, times: int = 1
    ) -> None:
        with self._lock:
            self.failures.extend(Failure(status, code, retry_after) for _ in range(times))

    def add_member(self, user_key: str, name: str, aad_object_id: str, role: str = "user") -> None:
        self.members[user_key] = {
            "id": user_key,
            "name": name,
            "aadObjectId": aad_object_id,
            "userRole": role,
        }

    def add_team(self, team_id: str, name: str, channels: dict[str, str | None]) -> None:
        """A team as Teams reports it: its details and its channels (General has no name)."""
        self.teams[team_id] = {"id": team_id, "name": name, "aadGroupId": "group-" + name}
        self.channels[team_id] = [{"id": cid, "name": cname} for cid, cname in channels.items()]

    def sent(self, method: str = "POST") -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    @property
    def openid_url(self) -> str:
        return f"{self.base_url}/openid"

    def token(self, app_id: str, service_url: str, *, key: Any = None, **claims: Any) -> str:
        """A channel token as the Bot Framework issues it (signed with this fake's key)."""
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 10,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(
            payload,
            key or self.private_key,
            algorithm="RS256",
            headers={"kid": self.key_id},
        )

    def _paged_members(self, conversation: str, path: str) -> tuple[int, dict[str, str], Any]:
        """GET /v3/conversations/{id}/pagedmembers: the first page of the roster."""
        with self._lock:
            self.roster_reads.append(conversation)
        if self.roster_fails:
            return 403, {}, _error("Forbidden", "the bot may not read this roster")
        everyone = list(self.members.values())
        size = _page_size(path)
        page: dict[str, Any] = {"members": everyone[:size]}
        if len(everyone) > size:
            page["continuationToken"] = f"page-{size}"
        return 200, {}, page

    def _member(self, key: str) -> dict[str, Any] | None:
        """A member by Teams id (29:…) or by Entra object id, as Teams finds either."""
        found = self.members.get(key)
        if found is None:
            found = next((m for m in self.members.values() if m["aadObjectId"] == key), None)
        return found

    def _create_conversation(self, headers: Any, body: bytes) -> tuple[int, dict[str, str], Any]:
        """POST /v3/conversations (ConversationParameters -> ConversationResourceResponse): a 1:1
        chat with one member of the tenant; Teams answers with the same chat every time."""
        with self._lock:
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            extra = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return failure.status, extra, _error(failure.code, f"fake failure {failure.code}")
        payload = json.loads(body or b"{}")
        members = payload.get("members") or []
        tenant = (
            payload.get("tenantId")
            or payload.get("tenantID")  # as botbuilder serializes ConversationParameters
            or (payload.get("channelData") or {}).get("tenant", {})
        )
        tenant_id = tenant.get("id") if isinstance(tenant, dict) else tenant
        if payload.get("isGroup") or len(members) != 1 or not members[0].get("id"):
            return 400, {}, _error("BadArgument", "a personal chat needs exactly one member")
        if not tenant_id or not (payload.get("bot") or {}).get("id"):
            return 400, {}, _error("BadArgument", "the tenant id and the bot are required")
        member = self.members.get(members[0]["id"])
        if member is None:
            return 403, {}, _error("Forbidden", "the user is not in a team the bot is in")
        with self._lock:
            self.calls.append(Call("CREATE", "", None, payload, headers.get("Authorization")))
        return 200, {}, {"id": f"a:personal-{member['id']}"}

    # --- the service -------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        if path == "/openid":
            return 200, {}, {"issuer": ISSUER, "jwks_uri": f"{self.base_url}/keys"}
        if path == "/keys":
            jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
            jwk.update({"kid": self.key_id, "use": "sig", "endorsements": ["msteams"]})
            return 200, {}, {"keys": [jwk]}
        parts = [unquote(p) for p in path.split("?", 1)[0].strip("/").split("/")]
        if method == "GET" and len(parts) in (3, 4) and parts[:2] == ["v3", "teams"]:
            team = self.teams.get(parts[2])
            if team is None:
                return 404, {}, _error("NotFound", "team not found")
            if len(parts) == 3:
                return 200, {}, team
            if parts[3] == "conversations":
                return 200, {}, {"conversations": self.channels.get(parts[2], [])}
        if len(parts) < 2 or parts[:2] != ["v3", "conversations"]:
            return 404, {}, _error("NotFound", f"no route {path}")
        if self.expected_token is not None and headers.get("Authorization") != (
            f"Bearer {self.expected_token}"
        ):
            return 401, {}, _error("Unauthorized", "Authorization has been denied")
        if len(parts) == 2:
            if method != "POST":
                return 405, {}, _error("MethodNotAllowed", method)
            return self._create_conversation(headers, body)
        conversation = parts[2]
        if method == "GET" and len(parts) == 4 and parts[3] == "pagedmembers":
            return self._paged_members(parts[2], path)
        if method == "GET" and len(parts) == 5 and parts[3] == "members":
            member = self._member(parts[4])
            if member is None:
                return 404, {}, _error("MemberNotFoundInConversation", "member not found")
            return 200, {}, member
        with self._lock:
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            extra = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return failure.status, extra, _error(failure.code, f"fake failure {failure.code}")
        payload = json.loads(body or b"{}")
        activity_id = parts[4] if len(parts) >= 5 else None
        with self._lock:
            self.calls.append(
                Call(method, conversation, activity_id, payload, headers.get("Authorization"))
            )
            if method == "POST":
                new_id = f"1{uuid.uuid4().int % 10**12:012d}"
                self.messages[new_id] = payload
                return 200, {}, {"id": new_id}
            if method == "PUT" and activity_id is not None:
                if activity_id not in self.messages:
                    return 404, {}, _error("ActivityNotFound", "unknown activity")
                self.messages[activity_id] = payload
                return 200, {}, {"id": activity_id}
        return 405, {}, _error("MethodNotAllowed", method)


def _page_size(path: str) -> int:
    query = dict(q.split("=", 1) for q in path.partition("?")[2].split("&") if "=" in q)
    size = int(query.get("pageSize") or 200)
    return min(500, max(50, size))  # Teams pages 50 to 500 members


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _handler(fake: FakeConnector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = fake.handle(self.command, self.path, self.headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def running_connector() -> Iterator[FakeConnector]:
    fake = FakeConnector()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    # serve_forever checks for shutdown() once per poll_interval: its 0.5 s default made every
    # test that used the connector wait half a second at teardown
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
