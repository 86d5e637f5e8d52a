"""Prometheus metrics of the service, kept in one registry that /metrics (or its own port) serves.

Counters and histograms are process-wide, as prometheus-client intends; the scrape-time
collectors read the database pool and the drop engine of the core they were given.
"""

from __future__ import annotations

import platform as host_platform
from collections.abc import Iterator
from importlib import metadata
from typing import TYPE_CHECKING

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from bot.service.context import Core

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LATENESS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200)

HTTP_SECONDS = Histogram(
    "studybot_http_request_duration_seconds",
    "Time to answer an HTTP request, by door (slack, teams, web) and route template.",
    ["door", "route", "method", "status"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
ANSWERS = Counter(
    "studybot_answers",
    "Answers received, by platform and outcome (recorded, already_answered, closed, refused).",
    ["platform", "outcome"],
    registry=REGISTRY,
)
ANSWER_BATCH = Histogram(
    "studybot_answer_batch_size",
    "Answers written together in one group-commit transaction.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
    registry=REGISTRY,
)
DROPS = Counter(
    "studybot_drops",
    "Drops by platform and event: due, posted, late, skipped, failed, revealed.",
    ["platform", "event"],
    registry=REGISTRY,
)
DROP_LATENESS = Histogram(
    "studybot_drop_lateness_seconds",
    "How long after its due time a scheduled drop was posted.",
    ["platform"],
    buckets=LATENESS_BUCKETS,
    registry=REGISTRY,
)
CHAT_CALLS = Counter(
    "studybot_chat_api_calls",
    "Calls to a chat platform's API, by platform, call and outcome (ok, rate_limited, error).",
    ["platform", "call", "outcome"],
    registry=REGISTRY,
)
BUILD = Info("studybot_build", "The running build: version, Python, exam pack.", registry=REGISTRY)


class CoreCollector(Collector):
    """Reads, at each scrape, the database pool and the drop engine of one running core."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def collect(self) -> Iterator[Metric]:
        pool = GaugeMetricFamily(
            "studybot_db_pool_connections",
            "Database connections of the pool, by state (checked_out, idle).",
            labels=["state"],
        )
        for state, value in pool_use(self.core).items():
            pool.add_metric([state], value)
        yield pool
        engine = self.core.engine
        last = GaugeMetricFamily(
            "studybot_engine_last_tick_timestamp_seconds",
            "When this replica's drop engine last finished a tick (absent while it is off).",
        )
        if engine.running and engine.last_tick_at is not None:
            last.add_metric([], engine.last_tick_at.timestamp())
        yield last
        yield GaugeMetricFamily(
            "studybot_engine_running",
            "1 when this replica runs the drop engine.",
            value=1.0 if engine.running else 0.0,
        )
        ticking = engine.running and engine.ticked_recently(self.core.clock.now())
        yield GaugeMetricFamily(
            "studybot_engine_ticking",
            "1 when this replica's engine ticked within its last three ticks (as /readyz checks).",
            value=1.0 if ticking else 0.0,
        )


def pool_use(core: Core) -> dict[str, float]:
    """Connections checked out and idle in the pool (0 for pools that keep none, as SQLite's)."""
    pool = core.db.engine.sync_engine.pool
    out = getattr(pool, "checkedout", None)
    idle = getattr(pool, "checkedin", None)
    return {
        "checked_out": float(out()) if callable(out) else 0.0,
        "idle": float(idle()) if callable(idle) else 0.0,
    }


_watched: list[CoreCollector] = []


def watch(core: Core) -> None:
    """Report this core's pool and engine (replacing the core watched before, as in tests)."""
    for old in _watched:
        REGISTRY.unregister(old)
    _watched.clear()
    collector = CoreCollector(core)
    REGISTRY.register(collector)
    _watched.append(collector)
    BUILD.info(
        {
            "version": _version(),
            "python": host_platform.python_version(),
            "exam": core.pack.exam.code,
            "questions": str(len(core.pack.questions)),
        }
    )


def exposition() -> bytes:
    """The registry in Prometheus' text format."""
    return generate_latest(REGISTRY)


def _version() -> str:
    try:
        return metadata.version("studybot")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


__all__ = [
    "ANSWERS",
    "ANSWER_BATCH",
    "BUILD",
    "CHAT_CALLS",
    "DROPS",
    "DROP_LATENESS",
    "HTTP_SECONDS",
    "REGISTRY",
    "exposition",
    "watch",
]
