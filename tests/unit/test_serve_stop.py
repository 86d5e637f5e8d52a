"""Ctrl+C or SIGTERM during start-up (a migration that has not finished) stops the service."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from pathlib import Path

import pytest

import bot.serve
from bot.settings import Settings
from tests.conftest import MINIPACK


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_while_start_up_is_migrating_stops_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, sig: int
) -> None:
    port = _free_port()
    settings = Settings.from_env(
        {
            "STUDYBOT_DATA_DIR": str(tmp_path),
            "STUDYBOT_CONTENT_DIR": str(MINIPACK),
            "STUDYBOT_PORT": str(port),
        }
    )
    migrating = asyncio.Event()
    cancelled = asyncio.Event()

    async def build_that_never_ends(_: Settings) -> object:
        migrating.set()
        try:
            await asyncio.Event().wait()  # a migration that is still running
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    monkeypatch.setattr(bot.serve, "build_service", build_that_never_ends)
    caplog.set_level(logging.INFO, logger="studybot")
    serving = asyncio.ensure_future(bot.serve.serve(settings))
    await migrating.wait()
    os.kill(os.getpid(), sig)  # as Ctrl+C in a terminal, or `docker stop`
    await serving  # returns: it neither hangs nor raises
    assert cancelled.is_set()
    assert "studybot stopped" in caplog.text
    with socket.socket() as again:  # the port was let go
        again.bind(("127.0.0.1", port))


async def test_a_signal_that_came_while_start_up_finished_wins() -> None:
    stop = asyncio.Event()
    stop.set()
    result = await bot.serve._until_signalled(asyncio.sleep(0, "built"), stop)
    assert result is None
