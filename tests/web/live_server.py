"""A real uvicorn server on 127.0.0.1, port 0, in a thread with its own event loop (for the
schema fuzz test and the browser tests); started and stopped by polling, never by sleeping."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

T = TypeVar("T")


class LiveServer:
    def __init__(
        self, build: Callable[[], Awaitable[tuple[FastAPI, Callable[[], Awaitable[None]]]]]
    ):
        """`build` runs on the server's loop and returns the app and a function that closes it."""
        self._build = build
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="live-server", daemon=True)
        self.url = ""

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the test thread by start()
            self._error = exc

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        app, close = await self._build()
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        try:
            await self._server.serve()
        finally:
            await close()

    def start(self, timeout: float = 30.0) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._error is not None:
                raise RuntimeError(f"the test server did not start: {self._error!r}")
            server = self._server
            if server is not None and server.started and server.servers:
                port = server.servers[0].sockets[0].getsockname()[1]
                self.url = f"http://127.0.0.1:{port}"
                return self
            self._thread.join(0.02)
        raise TimeoutError("the test server did not start in time")

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the server's loop (the database lives there) and wait for it."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(timeout)
