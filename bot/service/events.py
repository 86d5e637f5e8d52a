"""Handle each platform event once, across retried deliveries and several replicas."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.service.context import Core
from bot.storage.dialect import insert_for
from bot.storage.tables import processed_events

KEEP_FOR = timedelta(days=2)  # platforms retry within minutes; two days is ample


async def first_delivery(core: Core, platform: str, event_id: str) -> bool:
    """Record the event id; True only for the first delivery of that event."""
    async with core.db.write() as conn:
        inserted = await conn.scalar(
            insert_for(conn, processed_events)
            .values(platform=platform, event_id=event_id[:128], seen_at=core.clock.now())
            .on_conflict_do_nothing(
                index_elements=[processed_events.c.platform, processed_events.c.event_id]
            )
            .returning(processed_events.c.event_id)
        )
    return inserted is not None


async def forget_old_events(core: Core) -> int:
    """Delete event ids older than KEEP_FOR; returns how many were removed."""
    async with core.db.write() as conn:
        result = await conn.execute(
            delete(processed_events).where(processed_events.c.seen_at < core.clock.now() - KEEP_FOR)
        )
    return int(result.rowcount or 0)
