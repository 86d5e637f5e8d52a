"""Ctrl+C or SIGTERM at any moment of start-up stops the service quietly, before its engine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

import bot.serve
from bot.settings import Settings
from tests.conftest import MINIPACK


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _served_settings(tmp_path: Path, port: int) -> Settings:
    return Settings.from_env(
        {
            "STUDYBOT_DATA_DIR": str(tmp_path),
            "STUDYBOT_CONTENT_DIR": str(MINIPACK),
            "STUDYBOT_PORT": str(port),
        }
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_while_start_up_is_migrating_stops_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, sig: int
) -> None:
    port = _free_port()
    settings = _served_settings(tmp_path, port)
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


def _signal_at_doors(monkeypatch: pytest.MonkeyPatch, sig: int) -> None:
    """The signal comes while the doors start, before the port is served."""
    start_doors = bot.serve.start_doors

    async def starting(app: object) -> None:
        await start_doors(app)  # type: ignore[arg-type]
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(bot.serve, "start_doors", starting)


def _signal_before_uvicorn_handlers(monkeypatch: pytest.MonkeyPatch, sig: int) -> None:
    """The signal comes after the doors' check, as uvicorn is about to put its handlers in."""
    capture = uvicorn.Server.capture_signals

    @contextlib.contextmanager
    def capturing(server: uvicorn.Server) -> Iterator[None]:
        os.kill(os.getpid(), sig)
        with capture(server):
            yield

    monkeypatch.setattr(uvicorn.Server, "capture_signals", capturing)


def _signal_inside_uvicorn_start(monkeypatch: pytest.MonkeyPatch, sig: int) -> None:
    """The signal comes to uvicorn's own handlers, before its start-up has listened."""
    load = uvicorn.Config.load

    def loading(config: uvicorn.Config) -> None:
        load(config)
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(uvicorn.Config, "load", loading)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize(
    "moment", [_signal_at_doors, _signal_before_uvicorn_handlers, _signal_inside_uvicorn_start]
)
async def test_a_signal_just_before_serving_stops_without_starting_the_engine(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    sig: int,
    moment: Callable[[pytest.MonkeyPatch, int], None],
) -> None:
    port = _free_port()
    moment(monkeypatch, sig)
    caplog.set_level(logging.INFO, logger="studybot")
    await bot.serve.serve(_served_settings(tmp_path, port))  # returns: no hang, no raise
    assert "studybot stopped" in caplog.text
    assert "studybot is running" not in caplog.text  # never announced as serving
    assert "drop engine ticking" not in caplog.text  # and the engine never started
    with socket.socket() as again:  # the port was let go
        again.bind(("127.0.0.1", port))
