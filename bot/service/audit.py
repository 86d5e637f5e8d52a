"""The audit trail: every administrative change of an organisation, with who made it, when,
through which door, and what it was before and after.

An entry is written in the same transaction as the change it records, so each change leaves
exactly one entry and a change that fails leaves none. Reads are scoped to one organisation;
entries older than the retention period are purged by the drop engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.service.context import Core
from bot.service.org_teams import find_org_id
from bot.storage.tables import audit_events

MAX_ENTRIES = 1000  # one page of the trail; the CSV carries up to this many too
DEFAULT_RETENTION_DAYS = 365


class AuditAction(StrEnum):
    SCHEDULE_CREATED = "schedule created"
    SCHEDULE_EDITED = "schedule edited"
    SCHEDULE_PAUSED = "schedule paused"
    SCHEDULE_RESUMED = "schedule resumed"
    SCHEDULE_REMOVED = "schedule removed"
    ADMIN_ADDED = "study admin added"
    ADMIN_REMOVED = "study admin removed"
    DROP_POSTED = "drop posted by hand"
    DROP_CLOSED = "drop closed by hand"
    LINK_ISSUED = "dashboard link issued"
    INSTALLED = "app installed"
    UNINSTALLED = "app uninstalled"


@dataclass(frozen=True)
class Who:
    """Who made a change, as the audit trail shows it."""

    door: str  # slack, teams, web or cli
    user_id: str
    name: str = ""


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    door: str
    actor_id: str
    actor_name: str
    action: str
    target: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


async def record(
    conn: AsyncConnection,
    org_id: int,
    who: Who,
    action: AuditAction,
    target: str,
    at: datetime,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Add one entry, inside the transaction of the change it records."""
    await conn.execute(
        insert(audit_events).values(
            org_id=org_id,
            at=at,
            door=who.door[:16],
            actor_id=who.user_id[:64],
            actor_name=(who.name or who.user_id)[:200],
            action=action.value,
            target=target[:200],
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
        )
    )


async def list_audit(
    core: Core, platform: str, org_external_id: str, *, limit: int = MAX_ENTRIES
) -> list[AuditEntry]:
    """The organisation's newest entries first (NotFoundError for an unknown organisation)."""
    async with core.db.read() as conn:
        org_id, _ = await find_org_id(conn, platform, org_external_id)
        rows = await conn.execute(
            select(audit_events)
            .where(audit_events.c.org_id == org_id)
            .order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
            .limit(max(1, min(limit, MAX_ENTRIES)))
        )
        return [
            AuditEntry(
                r.at, r.door, r.actor_id, r.actor_name, r.action, r.target, r.before, r.after
            )
            for r in rows
        ]


async def purge_audit(core: Core, now: datetime, keep_days: int) -> int:
    """Delete every organisation's entries older than `keep_days` (the engine's own sweep)."""
    async with core.db.write() as conn:
        result = await conn.execute(
            delete(audit_events).where(audit_events.c.at < now - timedelta(days=keep_days))
        )
        return int(result.rowcount or 0)
