"""A drop's states and the transitions allowed between them, each applied as a guarded UPDATE.

    pending ──posted──▶ open ──window ends / closed by hand──▶ closed ──reveal shown──▶ revealed
       │
       ├──post failed for good──▶ failed
       └──closed by hand before it was posted──▶ skipped

A pending drop is planned (a scheduled occurrence, created a minute ahead) or started by hand
and held by whoever is posting it right away; its lease columns say which. A pending scheduled
drop missed by more than the grace period is removed by the engine and recorded as a skipped
occurrence instead (`remove_unposted`). Every status change names the states it may start from
(`UPDATE drops … WHERE id = ? AND status IN (…)`), so a change that raced another one does not
apply; the database refuses any status outside `DropStatus` (CHECK constraint ck_drops_status).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from sqlalchemy import ColumnElement, Delete, Update, delete, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.tables import drops


class DropStatus(StrEnum):
    PENDING = "pending"  # not posted yet: due at next_attempt_at, or held while it is posted
    OPEN = "open"  # posted; answers are taken until closes_at
    CLOSED = "closed"  # the window has ended and the answers are scored; the reveal is due
    REVEALED = "revealed"  # the reveal was shown (or given up on, with last_error)
    FAILED = "failed"  # could not be posted (last_error says why); never reached the channel
    SKIPPED = "skipped"  # closed by hand before it was posted (last_error says so)


PENDING, OPEN, CLOSED = DropStatus.PENDING, DropStatus.OPEN, DropStatus.CLOSED
REVEALED, FAILED, SKIPPED = DropStatus.REVEALED, DropStatus.FAILED, DropStatus.SKIPPED

CREATED_AS = frozenset({PENDING, OPEN})  # the states a drop may be created in
SHOWN = (OPEN, CLOSED, REVEALED)  # drops that reached the channel
NEVER_POSTED = (FAILED, SKIPPED)  # final states of drops that never reached the channel
CLOSED_BY_HAND_UNPOSTED = "closed by hand before it was posted"

TRANSITIONS: Mapping[DropStatus, frozenset[DropStatus]] = {
    PENDING: frozenset({OPEN, FAILED, SKIPPED}),
    OPEN: frozenset({CLOSED}),
    CLOSED: frozenset({REVEALED}),
    REVEALED: frozenset(),
    FAILED: frozenset(),
    SKIPPED: frozenset(),
}


class TransitionNotAllowed(ValueError):
    """A status change the state machine does not have (a programming error, not bad input)."""


def allowed(source: DropStatus, target: DropStatus) -> bool:
    return target in TRANSITIONS[source]


def transition(source: DropStatus | Iterable[DropStatus], target: DropStatus) -> Update:
    """`UPDATE drops SET status = target WHERE status IN (source…)`: callers add the drop (its id
    or a bind parameter), any further guard such as the lease, and the other columns to set."""
    sources = (source,) if isinstance(source, DropStatus) else tuple(source)
    refused = [s for s in sources if not allowed(s, target)]
    if not sources or refused:
        raise TransitionNotAllowed(f"a drop may not go from {refused or 'nothing'} to {target}")
    condition = drops.c.status == sources[0] if len(sources) == 1 else drops.c.status.in_(sources)
    return update(drops).where(condition).values(status=target)


async def move(
    conn: AsyncConnection,
    drop_id: int,
    source: DropStatus | Iterable[DropStatus],
    target: DropStatus,
    *guards: ColumnElement[bool],
    **values: object,
) -> bool:
    """Move one drop from `source` to `target` (setting `values` too) if it is still in `source`
    and every guard holds; whether it moved."""
    result = await conn.execute(
        transition(source, target).where(drops.c.id == drop_id, *guards).values(**values)
    )
    return bool(result.rowcount)


def remove_unposted() -> Delete:
    """`DELETE FROM drops WHERE status = 'pending'`: a scheduled drop too late to be posted makes
    way for its skipped occurrence; callers add the drop and the lease guard."""
    return delete(drops).where(drops.c.status == PENDING)
