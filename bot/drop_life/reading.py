"""Reading drops back: a drop by id (scoped to the asking organisation), a team's recent drops,
and a drop's question card or reveal as it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.ids import valid_id
from bot.domain.schedule import RevealMode
from bot.drop_life.cards import question_card, reveal_card
from bot.drop_life.states import OPEN, SHOWN, DropStatus
from bot.errors import InvalidInputError, NotFoundError
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.directory import find_team
from bot.service.views import QuestionCard, RevealCard
from bot.storage.tables import answers, drops, organisations, teams


@dataclass(frozen=True)
class DropRecord:
    id: int
    team_id: int
    org_id: int
    seq: int
    question_id: str
    status: DropStatus
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
# one of these drops (scoring locks it FOR UPDATE) and then reads the drop as it left it.
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
            status=DropStatus(row.status),
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
        newest = ids.all()
        found = await load_drops(conn, set(newest))
        return [found[drop_id] for drop_id in newest]


async def show_drop(core: Core, drop_id: int, channel: ChannelRef | None = None) -> QuestionCard:
    async with core.db.read() as conn:
        return await card_with_count(core, conn, await get_drop(conn, drop_id, channel))


async def reveal_of(core: Core, drop_id: int, channel: ChannelRef | None = None) -> RevealCard:
    """The reveal of a closed drop (refused while answers are still being taken)."""
    async with core.db.read() as conn:
        drop = await get_drop(conn, drop_id, channel)
        if drop.is_open(core.clock.now()):
            raise InvalidInputError("The answer is revealed when the answer window closes.")
        return await reveal_with_counts(core, conn, drop)


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


async def card_with_count(core: Core, conn: AsyncConnection, drop: DropRecord) -> QuestionCard:
    """The drop's question card with its current number of answers."""
    count = int(await conn.scalar(select(func.count()).where(answers.c.drop_id == drop.id)) or 0)
    return card_of(core, drop, answer_count=count)


async def reveal_with_counts(
    core: Core, conn: AsyncConnection, drop: DropRecord
) -> RevealCard:
    """The drop's reveal with how many picked each option."""
    card = await card_with_count(core, conn, drop)
    choices = await conn.scalars(select(answers.c.option_ids).where(answers.c.drop_id == drop.id))
    return reveal_card(card, core.questions[drop.question_id], choices)
