"""Starting a drop by hand (choosing and storing its question) and closing it by hand, with the
outcome of a held post; every status change goes through the state machine (states.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update

from bot.domain.occurrences import closes_after
from bot.domain.schedule import DEFAULT_WINDOW, RevealMode
from bot.drop_life.creating import DropPlan, create_drops
from bot.drop_life.reading import DropRecord, get_drop, reveal_with_counts
from bot.drop_life.scoring import score_drop
from bot.drop_life.states import (
    CLOSED,
    CLOSED_BY_HAND_UNPOSTED,
    FAILED,
    OPEN,
    PENDING,
    REVEALED,
    SHOWN,
    SKIPPED,
    move,
)
from bot.errors import InvalidInputError
from bot.service import audit, policy
from bot.service.audit import AuditAction
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from bot.service.directory import find_team
from bot.service.policy import Action
from bot.service.schedules import schedule_from_row
from bot.service.views import QuestionCard, RevealCard
from bot.storage.tables import drops, schedules

HOLD = timedelta(minutes=5)  # how long a held post may take before the engine takes over


class NotPosted(InvalidInputError):
    """A drop closed by hand that never reached the channel: there is no reveal to show."""


async def start_drop(core: Core, cmd: StartDrop, *, held_by: str | None = None) -> QuestionCard:
    """Choose the team's next question and open a drop for it; post it with `by_hand`.

    With `held_by`, the drop stays pending under that lease holder's name until it is posted
    (see by_hand.drop_now): if the post fails or the process dies, the engine takes it over.
    """
    if cmd.actor is not None:  # a person asked (None: the engine's own drop)
        await policy.authorize(core, cmd.actor, Action.START_DROP, cmd.channel)
    now = core.clock.now()
    async with core.db.write() as conn:
        team = await find_team(conn, cmd.channel)
        row = (await conn.execute(select(schedules).where(schedules.c.team_id == team.id))).first()
        schedule = schedule_from_row(row) if row else None
        focus = cmd.focus_domain or (schedule.focus_domain if schedule else None)
        if focus is not None and focus not in {d.id for d in core.pack.domains}:
            raise InvalidInputError(f"Unknown domain {focus!r}.")
        if cmd.window is not None:
            closes = now + cmd.window
        else:
            closes = closes_after(schedule, now) if schedule else now + DEFAULT_WINDOW
        plan = DropPlan(
            team_id=team.id,
            opened_at=now,
            closes_at=closes,
            reveal_mode=schedule.reveal_mode if schedule else RevealMode.AT_CLOSE,
            status=PENDING if cmd.deliver_later or held_by else OPEN,
            focus_domain=focus,
            seed=cmd.seed,
            held_by=held_by,
            held_until=now + HOLD if held_by else None,
        )
        (card,) = await create_drops(core, conn, [plan])
        if card is None:
            raise InvalidInputError("Another drop was started at the same moment; try again.")
        if cmd.actor is not None:
            await audit.record(
                conn, team.org_id, cmd.actor, AuditAction.DROP_POSTED, team.name, now,
                after={"question": card.seq, "drop": card.drop_id, "focus": focus},
            )  # fmt: skip
        return card


async def close_drop(core: Core, cmd: CloseDrop) -> tuple[DropRecord, RevealCard]:
    """Close the answer window now (if still open); return the drop as closed and its reveal.

    In the same transaction the drop's answers are scored (once, however often this runs):
    from here on its points and accuracy show in leaderboards, reports and readiness.

    A drop that never reached the channel has no reveal. A pending one is skipped (it will not be
    posted) unless its post is under way right now; either way `NotPosted` says what happened.
    """
    if cmd.actor is not None:  # a person asked (None: the scheduler)
        await policy.authorize(core, cmd.actor, Action.CLOSE_DROP, cmd.channel)
    now = core.clock.now()
    async with core.db.write() as conn:
        drop = await get_drop(conn, cmd.drop_id, cmd.channel)
        skipped = False
        if drop.status == PENDING:
            skipped = await move(
                conn,
                drop.id,
                PENDING,
                SKIPPED,
                _not_being_posted(now),
                closed_at=now,
                last_error=CLOSED_BY_HAND_UNPOSTED,
                next_attempt_at=None,
                lease_owner=None,
                lease_until=None,
            )
            drop = await get_drop(conn, drop.id)  # skipped, or posted or being posted meanwhile
        closed = False
        if drop.status == OPEN:
            closes_at = min(drop.closes_at, now)
            if await move(conn, drop.id, OPEN, CLOSED, closed_at=now, closes_at=closes_at):
                drop = replace(drop, status=CLOSED, closes_at=closes_at)
                closed = True
            else:  # closed by someone else meanwhile
                drop = await get_drop(conn, drop.id)
        if cmd.actor is not None and (closed or skipped):
            team = await find_team(conn, drop.channel)
            await audit.record(
                conn, team.org_id, cmd.actor, AuditAction.DROP_CLOSED, team.name, now,
                before={"question": drop.seq, "status": "open" if closed else "pending"},
                after={"status": "closed" if closed else "skipped"},
            )  # fmt: skip
        if (
            drop.status in SHOWN
            and drop.scored_at is None
            and await score_drop(conn, drop.id, drop.team_id, drop.timezone, now)
        ):
            drop = replace(drop, scored_at=now)
        if drop.status in SHOWN:
            return drop, await reveal_with_counts(core, conn, drop)
    raise NotPosted(_not_posted_message(drop, skipped))


def _not_being_posted(now: datetime) -> ColumnElement[bool]:
    """No post of the drop is under way: none was sent, or its sender's lease has run out."""
    return or_(
        drops.c.post_started_at.is_(None),
        drops.c.lease_until.is_(None),
        drops.c.lease_until < now,
    )


def _not_posted_message(drop: DropRecord, skipped_now: bool) -> str:
    number = f"Question #{drop.seq}"
    if skipped_now:
        return (
            f"{number} had not been posted yet, so it was closed without a reveal: "
            "it is skipped and will not be posted."
        )
    if drop.status == PENDING:
        return f"{number} is being posted right now; close it again in a moment."
    if drop.status == FAILED:
        return f"{number} could not be posted, so there is nothing to close or reveal."
    return f"{number} was closed before it was posted; there is nothing to reveal."


async def mark_revealed(core: Core, drop_id: int) -> bool:
    """A closed drop's reveal was shown; False if it was not closed (or already revealed)."""
    async with core.db.write() as conn:
        return await move(conn, drop_id, CLOSED, REVEALED, revealed_at=core.clock.now())


async def finish_held_post(
    core: Core,
    drop_id: int,
    holder: str,
    *,
    message_id: str | None,
    error: str | None = None,
    permanent: bool = False,
    retry_after: float | None = None,
) -> None:
    """Record how a held post went: posted (open), failed for good, or left to the engine
    (not before `retry_after` seconds when the platform asked to wait)."""
    held = drops.c.lease_owner == holder
    free: dict[str, object] = {"lease_owner": None, "lease_until": None}
    async with core.db.write() as conn:
        if message_id is not None:
            await move(
                conn,
                drop_id,
                PENDING,
                OPEN,
                held,
                **free,
                message_id=message_id,
                posted_at=core.clock.now(),
                attempts=0,
                next_attempt_at=None,
                last_error=None,
            )
        elif permanent:
            await move(conn, drop_id, PENDING, FAILED, held, **free, last_error=(error or "")[:500])
        else:  # the delivery engine retries it from now on (or once the platform's wait is over)
            wait = timedelta(seconds=max(0.0, retry_after or 0.0))
            await conn.execute(
                update(drops)
                .where(drops.c.id == drop_id, held)
                .values(
                    **free, next_attempt_at=core.clock.now() + wait, last_error=(error or "")[:500]
                )
            )
