"""The drop engine's clock: this process's clock corrected to the database server's, and what
the engine last reported about itself (read by /readyz)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from bot.ports import Clock
from bot.storage.database import Database

MAX_SKEW = timedelta(minutes=5)  # beyond this the engine refuses to tick: the host clock is broken


class ClockSkewError(RuntimeError):
    """This host's clock is further from the database server's than MAX_SKEW."""


class EngineClock:
    """`now()` for due, lease and reveal decisions: the local clock plus the offset measured
    against the database server, so that replicas with wrong clocks still agree.

    On SQLite the database is a file on this host, so there is no other clock to agree with.
    """

    def __init__(self, local: Clock, *, use_database: bool, max_skew: timedelta = MAX_SKEW) -> None:
        self.local = local
        self.use_database = use_database
        self.max_skew = max_skew
        self.skew = timedelta(0)  # database server's clock minus ours
        self.measured = False

    def now(self) -> datetime:
        return self.local.now() + self.skew

    async def measure(self, db: Database) -> timedelta:
        """Measure the offset to the database server (one round trip, its midpoint)."""
        if not self.use_database or db.dialect != "postgresql":
            return self.skew
        async with db.read() as conn:
            before = self.local.now()
            server: datetime = await conn.scalar(text("SELECT clock_timestamp()"))
            after = self.local.now()
        skew = server - (before + (after - before) / 2)
        self.measured = True
        if abs(skew) > self.max_skew:
            raise ClockSkewError(
                f"this host's clock is {skew.total_seconds():+.1f} s off the database server's "
                f"(more than {self.max_skew.total_seconds():.0f} s): fix its time synchronisation"
            )
        self.skew = skew
        return skew


@dataclass
class EngineStatus:
    """What the drop engine of this process last did; the readiness check reads it."""

    running: bool = False  # False when this process does not run the engine
    tick_seconds: float = 5.0
    last_tick_at: datetime | None = None  # by the local clock
    skew: timedelta | None = None  # database server's clock minus ours (None: not measured)
    clock_error: str | None = None

    def ticked_recently(self, now: datetime, ticks: int = 3) -> bool:
        return self.last_tick_at is not None and now - self.last_tick_at <= timedelta(
            seconds=self.tick_seconds * ticks
        )
