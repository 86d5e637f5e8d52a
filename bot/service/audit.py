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

from bot.service.commands import Actor
from bot.service.context import Core
from bot.service.org_teams import find_org_id
from bot.storage.tables import audit_events, members

MAX_ENTRIES = 1000  # one page of the trail; the CSV carries up to this many too


class AuditAction(StrEnum):
    SCHEDULE_CREATED = "schedule created"  # the values are what a user sees; never renamed
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


def door_of(actor: Actor) -> str:
    """Where a change came from: slack, teams, web (dashboard, playground), cli or studybot."""
    if actor.dashboard_role is not None or actor.playground_visitor:
        return "web"
    if actor.operator:
        return "cli" if actor.user_id == "operator" else "studybot"
    return actor.platform


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
    actor: Actor,
    action: AuditAction,
    target: str,
    at: datetime,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Add one entry, inside the transaction of the change it records (the actor's name is
    the member's stored name, looked up when the trail is read)."""
    await conn.execute(
        insert(audit_events).values(
            org_id=org_id,
            at=at,
            door=door_of(actor)[:16],
            actor_id=(actor.user_id or "unknown")[:64],
            actor_name=(actor.user_id or "unknown")[:200],
            action=action.value,
            target=target[:200],
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
        )
    )


async def last_lifecycle(conn: AsyncConnection, org_id: int, target: str) -> AuditAction | None:
    """Whether the app was last recorded as installed or removed there (None: never)."""
    value = await conn.scalar(
        select(audit_events.c.action)
        .where(
            audit_events.c.org_id == org_id,
            audit_events.c.target == target[:200],
            audit_events.c.action.in_([AuditAction.INSTALLED.value, AuditAction.UNINSTALLED.value]),
        )
        .order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
        .limit(1)
    )
    return AuditAction(value) if value is not None else None


async def list_audit(
    core: Core, platform: str, org_external_id: str, *, limit: int = MAX_ENTRIES
) -> list[AuditEntry]:
    """The organisation's newest entries first (NotFoundError for an unknown organisation)."""
    async with core.db.read() as conn:
        org_id, _ = await find_org_id(conn, platform, org_external_id)
        name = members.c.display_name
        rows = await conn.execute(
            select(audit_events, name.label("member_name"))
            .outerjoin(
                members,
                (members.c.org_id == audit_events.c.org_id)
                & (members.c.user_id == audit_events.c.actor_id),
            )
            .where(audit_events.c.org_id == org_id)
            .order_by(audit_events.c.at.desc(), audit_events.c.id.desc())
            .limit(max(1, min(limit, MAX_ENTRIES)))
        )
        return [
            AuditEntry(
                r.at,
                r.door,
                r.actor_id,
                r.member_name or r.actor_name,
                r.action,
                r.target,
                r.before,
                r.after,
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
