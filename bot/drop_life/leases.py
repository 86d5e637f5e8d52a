"""Leases on drops: an engine claims a slice of drops under its token, renews and releases them,
so that several replicas never post or reveal the same drop at once (docs/scheduling.md)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update

from bot.drop_life.states import PENDING, DropStatus, move
from bot.service.engine_clock import EngineClock
from bot.storage.database import Database
from bot.storage.tables import drops

log = logging.getLogger("studybot.engine")


class Leases:
    def __init__(self, db: Database, clock: EngineClock, token: str, lease: timedelta) -> None:
        self.db = db
        self.clock = clock
        self.token = token  # this engine's lease token (replica name and a random part)
        self.lease = lease

    @property
    def mine(self) -> ColumnElement[bool]:
        return drops.c.lease_owner == self.token

    def until(self, now: datetime) -> datetime:
        return now + self.lease

    async def claim(
        self, condition: ColumnElement[bool], *, count_attempt: bool, limit: int
    ) -> list[int]:
        """Take the lease on up to `limit` drops matching `condition` whose lease is free."""
        now = self.clock.now()
        free = or_(drops.c.lease_until.is_(None), drops.c.lease_until < now)
        candidates = (
            select(drops.c.id)
            .where(condition, free)
            .order_by(drops.c.next_attempt_at, drops.c.id)
            .limit(limit)
        )
        async with self.db.write() as conn:
            if conn.dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            values: dict[str, object] = {"lease_owner": self.token, "lease_until": self.until(now)}
            if count_attempt:
                values["attempts"] = drops.c.attempts + 1
            claimed = await conn.scalars(
                update(drops)
                .where(drops.c.id.in_(candidates.scalar_subquery()), free)
                .values(**values)
                .returning(drops.c.id)
            )
            return sorted(claimed)

    async def release(self, drop_id: int, **values: object) -> None:
        """Hand a drop back (its status unchanged), setting `values` too."""
        async with self.db.write() as conn:
            await conn.execute(
                update(drops)
                .where(drops.c.id == drop_id, self.mine)
                .values(lease_owner=None, lease_until=None, **values)
            )

    async def release_as(
        self,
        drop_id: int,
        source: DropStatus | Iterable[DropStatus],
        target: DropStatus,
        **values: object,
    ) -> bool:
        """Hand a drop back in its next state (a guarded transition); if it is no longer in
        `source` (closed by hand meanwhile), only the lease is released. Whether it moved."""
        async with self.db.write() as conn:
            free: dict[str, object] = {"lease_owner": None, "lease_until": None}
            moved = await move(conn, drop_id, source, target, self.mine, **free, **values)
            if not moved:
                mine = and_(drops.c.id == drop_id, self.mine)
                await conn.execute(update(drops).where(mine).values(**free))
        if not moved:
            log.info("drop %s was no longer %s; not marked %s", drop_id, source, target)
        return moved

    async def hand_back_uncounted(self, drop_ids: list[int]) -> None:
        """Hand claimed drops straight back, their claim's attempt not counted."""
        async with self.db.write() as conn:
            await conn.execute(
                update(drops)
                .where(drops.c.id.in_(drop_ids), self.mine)
                .values(lease_owner=None, lease_until=None, attempts=drops.c.attempts - 1)
            )

    async def count_attempt(self, drop_id: int) -> int:
        async with self.db.write() as conn:
            value = await conn.scalar(
                update(drops)
                .where(drops.c.id == drop_id)
                .values(attempts=drops.c.attempts + 1)
                .returning(drops.c.attempts)
            )
        return int(value or 0)

    async def release_all(self, began: Collection[int]) -> int:
        """Release every drop this engine holds; a pending one whose post never began keeps its
        attempt count. Returns how many were released."""
        free: dict[str, object] = {"lease_owner": None, "lease_until": None}
        async with self.db.write() as conn:
            untried = await conn.execute(
                update(drops)
                .where(self.mine, drops.c.status == PENDING, drops.c.id.not_in(began))
                .values(**free, attempts=drops.c.attempts - 1)
            )
            rest = await conn.execute(update(drops).where(self.mine).values(**free))
        return int(untried.rowcount or 0) + int(rest.rowcount or 0)
