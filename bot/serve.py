"""Runs the HTTP service: builds the core, serves it with uvicorn, closes it on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from datetime import timedelta
from types import FrameType
from typing import TypeVar
from wsgiref.simple_server import WSGIServer as MetricsServer

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from prometheus_client import start_http_server

from bot.bootstrap import build_service, start_doors, stop_doors
from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.errors import SettingsError
from bot.observability.metrics import REGISTRY
from bot.runtime import settle_heap
from bot.service.context import Core
from bot.service.pacing import Pacer
from bot.settings import Settings, served_url

log = logging.getLogger("studybot")

REQUESTS_GRACE = 5  # seconds for accepted requests (answers awaiting their batch) to finish
ENGINE_GRACE = 3.0  # then seconds for posts under way (private replies get 1 s more)


async def serve(settings: Settings) -> None:
    """Take the port first, then build the service; the drop engine starts only once the HTTP
    server is listening, so a second copy on a busy port never touches the shared database."""
    with _stop_signals() as stop:
        await _serve(settings, stop)


async def _serve(settings: Settings, stop: asyncio.Event) -> None:
    listener = bind_port(settings.host, settings.port)
    try:
        built = await _until_signalled(build_service(settings), stop)
    except BaseException:
        listener.close()
        raise
    if built is None:  # Ctrl+C or SIGTERM while loading, migrating or syncing: stop quietly
        listener.close()
        log.info("studybot stopped")
        return
    core, app = built
    url = served_url(settings.host, settings.port) + "/"
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        # JSON logs: uvicorn's records go through the root logger's formatter like every other
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
        timeout_graceful_shutdown=REQUESTS_GRACE,
    )
    ticker: AsyncIOScheduler | None = None
    ticks: set[asyncio.Task[object]] = set()
    engines: list[DeliveryEngine] = []

    def started() -> None:
        nonlocal ticker
        log.info("studybot is running at %s (health check: %shealthz)", url, url)
        if settings.playground:
            log.info("open %s in a browser to try the playground study channel", url)
        if settings.scheduler:
            engines.append(build_engine(core, settings))
            ticker = start_engine(core, settings, engines[0], ticks)

    metrics_server: MetricsServer | None = None
    try:
        metrics_server = serve_metrics(settings)
        await start_doors(app)
        settle_heap()
        if stop.is_set():  # Ctrl+C while the doors started: do not start serving
            return
        # on SIGTERM uvicorn stops accepting, lets accepted requests finish, then returns here
        await _Server(config, started, engines, stop).serve(sockets=[listener])
    finally:
        if ticker is not None:
            ticker.shutdown(wait=False)
        for engine in engines:  # posts under way finish; held drops go back for another replica
            await engine.drain(ENGINE_GRACE)
        if ticks:  # let a tick in flight finish its database work before the pool closes
            await asyncio.wait(ticks, timeout=STOP_WAIT_SECONDS)
        await stop_doors(app)
        await core.db.dispose()
        listener.close()
        if metrics_server is not None:
            metrics_server.shutdown()
            metrics_server.server_close()
    log.info("studybot stopped")


def serve_metrics(settings: Settings) -> MetricsServer | None:
    """The metrics on a port of their own (STUDYBOT_METRICS_PORT), beside the service's port."""
    if settings.metrics_port is None:
        return None
    try:
        server, _ = start_http_server(settings.metrics_port, addr=settings.host, registry=REGISTRY)
    except OSError as exc:
        raise SettingsError(
            f"STUDYBOT_METRICS_PORT: cannot serve the metrics on port {settings.metrics_port} "
            f"({exc.strerror}); choose a free port or unset it"
        ) from None
    log.info("metrics at %s/metrics", served_url(settings.host, settings.metrics_port))
    return server


STOP_WAIT_SECONDS = 10
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")


@contextlib.contextmanager
def _stop_signals() -> Iterator[asyncio.Event]:
    """Our own handlers for Ctrl+C and SIGTERM from the first moment of start-up until the
    service has stopped; they only set the event returned. uvicorn puts its own in place while
    it serves and gives ours back afterwards, so no moment of start-up is left to asyncio.run's
    handler (which cancels the main task: a cancellation that lands inside SQLAlchemy's greenlet
    during an Alembic migration was lost or came late, inside uvicorn's start, as a traceback)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed: list[int] = []
    for sig in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield stop
    finally:
        for done in installed:
            loop.remove_signal_handler(done)


async def _until_signalled(work: Coroutine[object, object, T], stop: asyncio.Event) -> T | None:
    """The work's result, or None once a stop signal has come and the work has been cancelled.

    The work runs as its own task and this one waits for it beside the event, so the signal is
    seen at once whatever the work is doing."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if not stop.is_set():
            return task.result()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        if task.done() and not task.cancelled() and task.exception() is None:
            await _dispose_built(task.result())
        return None
    finally:
        stopper.cancel()


async def _dispose_built(built: object) -> None:
    """Close the database of a service that finished building just as the signal came."""
    core = built[0] if isinstance(built, tuple) else None
    if isinstance(core, Core):
        await core.db.dispose()


class _Server(uvicorn.Server):
    """uvicorn's server that calls back once it listens (and not when its start failed), and
    treats Ctrl+C or SIGTERM as the normal way to stop: it does not raise the signal again after
    its shutdown, so the service closes its engine, doors and database in order. The drop
    engine is told to stop the moment the signal comes."""

    def __init__(
        self,
        config: uvicorn.Config,
        on_started: Callable[[], None],
        engines: list[DeliveryEngine],
        stop: asyncio.Event,
    ) -> None:
        super().__init__(config)
        self._on_started = on_started
        self._engines = engines
        self._stop = stop  # set by a signal, also one that came just before this ran

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        for engine in self._engines:
            engine.stop()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self._stop.is_set():
            self.should_exit = True
        if self.started and not self.should_exit:
            self._on_started()

    async def on_tick(self, counter: int) -> bool:
        if self._stop.is_set() and not self.should_exit:
            self.handle_exit(signal.SIGINT, None)
        return await super().on_tick(counter)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            try:
                yield
            finally:
                self._captured_signals.clear()


def bind_port(host: str, port: int) -> socket.socket:
    """The listening socket, or one line saying the port is taken and how to choose another."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise SettingsError(
            f"STUDYBOT_HOST {host!r} is not an address to listen on ({exc.strerror})"
        ) from None
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise SettingsError(
                f"port {port} on {host} is already taken (is studybot already running?); stop "
                f"that program or choose another port, e.g. STUDYBOT_PORT={_other(port)}"
            ) from None
        raise SettingsError(
            f"cannot listen on {host}:{port}: {exc.strerror}; choose another address or port "
            "with STUDYBOT_HOST and STUDYBOT_PORT"
        ) from None
    listener.set_inheritable(True)
    return listener


def _other(port: int) -> int:
    return port + 1 if port < 65535 else 8000


def build_engine(core: Core, settings: Settings) -> DeliveryEngine:
    return DeliveryEngine(
        core,
        EngineSettings(
            owner=settings.replica_name,
            grace=timedelta(minutes=settings.grace_minutes),
            lease=timedelta(seconds=settings.lease_seconds),
            max_attempts=settings.max_attempts,
            database_clock=True,
            audit_days=settings.audit_days,
        ),
        Pacer(per_org_rate=settings.org_posts_per_second),
    )


def start_engine(
    core: Core,
    settings: Settings,
    engine: DeliveryEngine | None = None,
    running: set[asyncio.Task[object]] | None = None,
) -> AsyncIOScheduler:
    """APScheduler as a local ticker only: the database decides what is due, so any number of
    replicas may tick; one tick runs at a time here, and a slow one is never doubled up.
    `running` holds the engine's jobs in flight, for a stop that waits for them."""
    engine = engine or build_engine(core, settings)
    running = set() if running is None else running
    core.engine.running, core.engine.tick_seconds = True, settings.tick_seconds

    def tracked(job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
        async def run() -> object:
            task = asyncio.current_task()
            if task is not None:
                running.add(task)
            try:
                return await job()
            except asyncio.CancelledError:
                if not engine.stopping:
                    raise
                return None  # a stop's drain cut this job short: the normal end, not an error
            finally:
                if task is not None:
                    running.discard(task)

        return run

    @tracked
    async def tick() -> None:
        if engine.stopping:
            return
        try:
            report = await engine.tick()
            if report.planned.created or report.posted or report.failed or report.revealed:
                log.info("engine: %s", report)
            # drops are planned ahead; wake exactly when the next one is due
            due = await engine.next_due()
            if due is not None and due < core.clock.now() + timedelta(
                seconds=settings.tick_seconds
            ):
                ticker.add_job(
                    tracked(engine.deliver_due),
                    DateTrigger(run_date=max(due, core.clock.now())),
                    id="deliver-on-time",
                    replace_existing=True,
                    misfire_grace_time=None,
                )
        except Exception:  # keep ticking; the next tick retries what this one could not do
            log.exception("engine tick failed")

    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per tick
    ticker = AsyncIOScheduler()
    ticker.add_job(
        tick,
        IntervalTrigger(seconds=settings.tick_seconds),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=core.clock.now(),
    )
    ticker.start()
    log.info("drop engine ticking every %d s as %s", settings.tick_seconds, settings.replica_name)
    return ticker
