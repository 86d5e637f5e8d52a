"""Starting a drop (choosing and storing the question), reading it back and closing it."""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.ids import valid_id
from bot.domain.occurrences import closes_after
from bot.domain.schedule import DEFAULT_WINDOW, RevealMode
from bot.errors import InvalidInputError, NotFoundError
from bot.ports import ChannelRef
from bot.service import policy
from bot.service.cards import question_card, reveal_card
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from bot.service.directory import find_team
from bot.service.new_drops import OPEN, PENDING, DropPlan, create_drops
from bot.service.policy import Action
from bot.service.reveal_scores import score_drop
from bot.service.schedules import schedule_from_row
from bot.service.views import QuestionCard, RevealCard
from bot.storage.tables import answers, drops, organisations, schedules, teams

CLOSED, REVEALED, FAILED = "closed", "revealed", "failed"
SHOWN = (OPEN, CLOSED, REVEALED)  # drops that reached the channel
HOLD = timedelta(minutes=5)  # how long a held post may take before the engine takes over


@dataclass(frozen=True)
class DropRecord:
    id: int
    team_id: int
    org_id: int
    seq: int
    question_id: str
    status: str
    option_order: tuple[str, ...]
    reveal_mode: RevealMode
    opened_at: datetime
    closes_at: datetime
    message_id: str | None
    channel: ChannelRef
    timezone: str
    attempts: int = 0
    scored_at: datetime | None = None  # when its answers' points joined member_stats
    occurrence_key: str | None = None  # set on scheduled drops: (schedule, local date)
    schedule_id: int | None = None
    post_started_at: datetime | None = None  # a post was sent and may not have been recorded
    result_posted_at: datetime | None = None  # the daily result was posted (or is being posted)

    def is_open(self, now: datetime) -> bool:
        return self.status == OPEN and now < self.closes_at

    def label(self, option_id: str) -> str:
        """The letter the option is shown with in this drop (A, B, C …)."""
        return string.ascii_uppercase[self.option_order.index(option_id)]


async def start_drop(core: Core, cmd: StartDrop, *, held_by: str | None = None) -> QuestionCard:
    """Choose the team's next question and open a drop for it; post it with `delivery`.

    With `held_by`, the drop stays pending under that lease holder's name until it is posted
    (see delivery.drop_now): if the post fails or the process dies, the engine takes it over.
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
        return card


async def get_drop(
    conn: AsyncConnection, drop_id: int, channel: ChannelRef | None = None
) -> DropRecord:
    """A drop by id. With a channel, only a drop of that organisation is found."""
    return visible_drop((await load_drops(conn, {drop_id})).get(drop_id), drop_id, channel)


def visible_drop(drop: DropRecord | None, drop_id: int, channel: ChannelRef | None) -> DropRecord:
    """The drop, if it exists and (with a channel) belongs to the channel's organisation.

    A drop of another workspace or tenant is reported exactly like one that does not exist.
    """
    if drop is None or (
        channel is not None
        and (drop.channel.platform, drop.channel.org_external_id)
        != (channel.platform, channel.org_external_id)
    ):
        raise NotFoundError(f"There is no question drop {drop_id} here; it may have been removed.")
    return drop


# Built once: every answer batch runs it, and building a query costs more than running this one.
DROPS_BY_ID = (
    select(
        drops,
        teams.c.org_id,
        teams.c.channel_id,
        teams.c.timezone,
        organisations.c.platform,
        organisations.c.external_id,
    )
    .join(teams, teams.c.id == drops.c.team_id)
    .join(organisations, organisations.c.id == teams.c.org_id)
    .where(drops.c.id.in_(bindparam("ids", expanding=True)))
)


# The answer batch's read on PostgreSQL: the key-share lock waits for a reveal that is scoring
# one of these drops (reveal_scores locks it FOR UPDATE) and then reads the drop as it left it.
DROPS_BY_ID_KEY_SHARE = DROPS_BY_ID.with_for_update(read=True, key_share=True, of=drops)


async def load_drops(
    conn: AsyncConnection, drop_ids: set[int], *, key_share: bool = False
) -> dict[int, DropRecord]:
    """The drops that exist among `drop_ids`, by id, with their team's channel and time zone.

    With `key_share` (PostgreSQL only; SQLite has one writer at a time anyway), the drops are
    locked against a concurrent reveal until the transaction ends.
    """
    locked = key_share and conn.dialect.name == "postgresql"
    query = DROPS_BY_ID_KEY_SHARE if locked else DROPS_BY_ID
    return {
        row.id: DropRecord(
            id=row.id,
            team_id=row.team_id,
            org_id=row.org_id,
            seq=row.seq,
            question_id=row.question_id,
            status=row.status,
            option_order=tuple(row.option_order.split(",")),
            reveal_mode=RevealMode(row.reveal_mode),
            opened_at=row.opened_at,
            closes_at=row.closes_at,
            message_id=row.message_id,
            channel=ChannelRef(row.platform, row.external_id, row.channel_id),
            timezone=row.timezone,
            attempts=row.attempts,
            scored_at=row.scored_at,
            occurrence_key=row.occurrence_key,
            schedule_id=row.schedule_id,
            post_started_at=row.post_started_at,
            result_posted_at=row.result_posted_at,
        )
        for row in await conn.execute(query, {"ids": sorted(filter(valid_id, drop_ids))})
    }


async def recent_drops(core: Core, channel: ChannelRef, limit: int = 5) -> list[DropRecord]:
    """The team's newest drops that reached the channel, newest first."""
    async with core.db.read() as conn:
        team = await find_team(conn, channel)
        ids = await conn.scalars(
            select(drops.c.id)
            .where(drops.c.team_id == team.id, drops.c.status.in_(SHOWN))
            .order_by(drops.c.seq.desc())
            .limit(limit)
        )
        return [await get_drop(conn, drop_id) for drop_id in ids.all()]


async def show_drop(core: Core, drop_id: int, channel: ChannelRef | None = None) -> QuestionCard:
    async with core.db.read() as conn:
        return await _card(core, conn, await get_drop(conn, drop_id, channel))


async def close_drop(core: Core, cmd: CloseDrop) -> tuple[DropRecord, RevealCard]:
    """Close the answer window now (if still open); return the drop as closed and its reveal.

    In the same transaction the drop's answers are scored (once, however often this runs):
    from here on its points and accuracy show in leaderboards, reports and readiness.
    """
    if cmd.actor is not None:  # a person asked (None: the scheduler)
        await policy.authorize(core, cmd.actor, Action.CLOSE_DROP, cmd.channel)
    now = core.clock.now()
    async with core.db.write() as conn:
        drop = await get_drop(conn, cmd.drop_id, cmd.channel)
        if drop.status == OPEN:
            drop = replace(drop, status=CLOSED, closes_at=min(drop.closes_at, now))
            await conn.execute(
                update(drops)
                .where(drops.c.id == drop.id)
                .values(status=CLOSED, closed_at=now, closes_at=drop.closes_at)
            )
        if (
            drop.status in SHOWN
            and drop.scored_at is None
            and await score_drop(conn, drop.id, drop.team_id, drop.timezone, now)
        ):
            drop = replace(drop, scored_at=now)
        return drop, await _reveal(core, conn, drop)


async def reveal_of(core: Core, drop_id: int, channel: ChannelRef | None = None) -> RevealCard:
    """The reveal of a closed drop (refused while answers are still being taken)."""
    async with core.db.read() as conn:
        drop = await get_drop(conn, drop_id, channel)
        if drop.is_open(core.clock.now()):
            raise InvalidInputError("The answer is revealed when the answer window closes.")
        return await _reveal(core, conn, drop)


async def mark_revealed(core: Core, drop_id: int) -> None:
    async with core.db.write() as conn:
        await conn.execute(
            update(drops)
            .where(drops.c.id == drop_id)
            .values(status=REVEALED, revealed_at=core.clock.now())
        )


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
    if message_id is not None:
        values: dict[str, object] = {
            "status": OPEN,
            "message_id": message_id,
            "posted_at": core.clock.now(),
            "attempts": 0,
            "next_attempt_at": None,
            "last_error": None,
        }
    elif permanent:
        values = {"status": FAILED, "last_error": (error or "")[:500]}
    else:  # the delivery engine retries it from now on (or once the platform's wait is over)
        wait = timedelta(seconds=max(0.0, retry_after or 0.0))
        values = {"next_attempt_at": core.clock.now() + wait, "last_error": (error or "")[:500]}
    async with core.db.write() as conn:
        await conn.execute(
            update(drops)
            .where(drops.c.id == drop_id, drops.c.lease_owner == holder)
            .values(lease_owner=None, lease_until=None, **values)
        )


def card_of(
    core: Core,
    drop: DropRecord,
    *,
    answer_count: int = 0,
    opened_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> QuestionCard:
    """The question card of a drop (optionally with the times it is about to be posted with)."""
    return question_card(
        core.pack,
        core.questions[drop.question_id],
        drop_id=drop.id,
        team_id=drop.team_id,
        seq=drop.seq,
        option_order=drop.option_order,
        opened_at=opened_at or drop.opened_at,
        closes_at=closes_at or drop.closes_at,
        answer_count=answer_count,
    )


async def _card(core: Core, conn: AsyncConnection, drop: DropRecord) -> QuestionCard:
    count = int(await conn.scalar(select(func.count()).where(answers.c.drop_id == drop.id)) or 0)
    return card_of(core, drop, answer_count=count)


async def _reveal(core: Core, conn: AsyncConnection, drop: DropRecord) -> RevealCard:
    card = await _card(core, conn, drop)
    choices = await conn.scalars(select(answers.c.option_ids).where(answers.c.drop_id == drop.id))
    return reveal_card(card, core.questions[drop.question_id], choices)
