"""A loopback chat API that behaves like a rate-limited platform: one message per second per
channel, a posts-per-second limit per workspace, 429 with Retry-After beyond either, and message
lookup by drop id (as Slack's message metadata allows). Run: python -m tests.support.chat_server."""

from __future__ import annotations

import argparse
import asyncio
import math
import socket
import subprocess
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class ChatState:
    per_org_rate: int
    delay: float
    posts: list[dict[str, object]] = field(default_factory=list)
    updates: list[dict[str, object]] = field(default_factory=list)
    texts: list[dict[str, object]] = field(default_factory=list)
    directs: list[dict[str, object]] = field(default_factory=list)
    rejected: int = 0
    by_drop: dict[tuple[str, str, int], str] = field(default_factory=dict)
    channel_last: dict[tuple[str, str], float] = field(default_factory=dict)
    org_recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def limited(self, org: str, channel: str) -> float | None:
        """Seconds to wait if this post breaks a limit, else None (and the post is counted)."""
        now = time.monotonic()
        recent = self.org_recent[org]
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        waits = []
        last = self.channel_last.get((org, channel))
        if last is not None and now - last < 1.0:
            waits.append(1.0 - (now - last))
        if len(recent) >= self.per_org_rate:
            waits.append(recent[0] + 1.0 - now)
        if waits:
            return max(waits)
        recent.append(now)
        self.channel_last[(org, channel)] = now
        return None


def build_app(state: ChatState) -> Starlette:
    async def post(request: Request) -> JSONResponse:
        body = await request.json()
        org, channel, drop_id = str(body["org"]), str(body["channel"]), int(body["drop_id"])
        wait = state.limited(org, channel)
        if wait is not None:
            state.rejected += 1
            return JSONResponse(
                {"ok": False, "error": "ratelimited"},
                status_code=429,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        if state.delay:
            await asyncio.sleep(state.delay)
        ts = f"{time.time():.6f}-{len(state.posts)}"
        state.by_drop[(org, channel, drop_id)] = ts
        state.posts.append(
            {
                "org": org,
                "channel": channel,
                "drop_id": drop_id,
                "ts": ts,
                "replica": request.headers.get("x-replica", ""),
                "at": time.time(),
            }
        )
        return JSONResponse({"ok": True, "ts": ts})

    async def find(request: Request) -> JSONResponse:
        q = request.query_params
        key = (q["org"], q["channel"], int(q["drop_id"]))
        return JSONResponse({"ok": True, "ts": state.by_drop.get(key)})

    async def update(request: Request) -> JSONResponse:
        state.updates.append(await request.json())
        return JSONResponse({"ok": True})

    async def text(request: Request) -> JSONResponse:
        state.texts.append(await request.json())
        return JSONResponse({"ok": True, "ts": f"text-{len(state.texts)}"})

    async def direct(request: Request) -> JSONResponse:
        state.directs.append(await request.json())
        return JSONResponse({"ok": True, "ts": f"direct-{len(state.directs)}"})

    async def archived(request: Request) -> JSONResponse:
        return JSONResponse({"ok": False, "error": "is_archived"}, status_code=404)

    async def stats(_: Request) -> JSONResponse:
        return JSONResponse(
            {
                "posts": state.posts,
                "updates": len(state.updates),
                "texts": len(state.texts),
                "directs": len(state.directs),
                "rejected": state.rejected,
            }
        )

    return Starlette(
        routes=[
            Route("/chat/post", post, methods=["POST"]),
            Route("/chat/find", find),
            Route("/chat/update", update, methods=["POST"]),
            Route("/chat/text", text, methods=["POST"]),
            Route("/chat/direct", direct, methods=["POST"]),
            Route("/archived/chat/post", archived, methods=["POST"]),
            Route("/stats", stats),
        ]
    )


def launch(per_org_rate: int, *, delay: float = 0.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server in its own process on a free loopback port; return it and its URL once
    it answers (the caller terminates it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "tests.support.chat_server", "--port", str(port)]
    command += ["--per-org-rate", str(per_org_rate), "--delay", str(delay)]
    process = subprocess.Popen(command, cwd=Path(__file__).parents[2])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine starts slowly
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/stats", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError("the loopback chat server did not start within 20 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--per-org-rate", type=int, default=10)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each post takes")
    args = parser.parse_args()
    app = build_app(ChatState(args.per_org_rate, args.delay))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
