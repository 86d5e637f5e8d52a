"""A drop's card as it stands now, for the channel or for one member: read in one statement.

A door that keeps a posted question card up to date (a live answer count, each member's own view)
asks here. The drop's status, its answer count and the member's own answer come from one SELECT,
so they belong to one snapshot on every database: a refresh that races the reveal sees either
the open question (no key) or the finished reveal, never a mix, and never a stale pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from bot.domain.schedule import RevealMode
from bot.drop_life.cards import question_card, reveal_card
from bot.drop_life.states import CLOSED, OPEN, REVEALED
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.views import QuestionCard, RevealCard
from bot.storage.tables import answers, drops, members, organisations, teams

REVEAL_RAN = (CLOSED, REVEALED)  # the reveal's transaction has run: the key may be shown


@dataclass(frozen=True)
class DropCardState:
    """What a posted question card should show now (to everyone, or to one member)."""

    question: QuestionCard  # answer_count is the count as of this read
    accepting: bool  # answers are still taken
    reveal: RevealCard | None  # set once the reveal has run, never before
    your_labels: tuple[str, ...] | None  # the member's own answer, when a member was named
    your_correct: bool | None  # whether it was right: set only together with `reveal`
    message_id: str | None  # the posted card's message id on the platform
    reveal_mode: RevealMode

    @property
    def revealed(self) -> bool:
        return self.reveal is not None


_YOURS = (
    select(answers.c.option_ids)
    .join(members, members.c.id == answers.c.member_id)
    .where(
        answers.c.drop_id == drops.c.id,
        members.c.org_id == teams.c.org_id,
        members.c.user_id == bindparam("user_id"),
    )
    .scalar_subquery()
)
_COUNT = (
    select(func.count()).select_from(answers).where(answers.c.drop_id == drops.c.id)
).scalar_subquery()
_STATE = (
    select(
        drops.c.id,
        drops.c.team_id,
        drops.c.seq,
        drops.c.question_id,
        drops.c.status,
        drops.c.option_order,
        drops.c.opened_at,
        drops.c.closes_at,
        drops.c.message_id,
        drops.c.reveal_mode,
        _COUNT.label("answer_count"),
        _YOURS.label("yours"),
    )
    .join(teams, teams.c.id == drops.c.team_id)
    .join(organisations, organisations.c.id == teams.c.org_id)
    .where(
        drops.c.id == bindparam("drop_id"),
        organisations.c.platform == bindparam("platform"),
        organisations.c.external_id == bindparam("org"),
        teams.c.channel_id == bindparam("channel"),
    )
)
_CHOICES = select(answers.c.option_ids).where(answers.c.drop_id == bindparam("drop_id"))


async def card_state(
    core: Core, drop_id: int, channel: ChannelRef, user_id: str | None = None
) -> DropCardState:
    """The drop's card as it stands, for `channel` (NotFoundError for a drop posted elsewhere,
    another organisation's included); with `user_id`, also that member's own answer.

    The key, the distribution and whether the member was right are only given once the reveal
    has run (the drop is closed or revealed); until then the state holds no trace of the key.
    """
    params = {
        "drop_id": drop_id,
        "platform": channel.platform,
        "org": channel.org_external_id,
        "channel": channel.channel_id,
        "user_id": user_id or "",
    }
    async with core.db.read() as conn:
        row = (await conn.execute(_STATE, params)).first()
        if row is None:
            raise NotFoundError(
                f"There is no question drop {drop_id} here; it may have been removed."
            )
        revealed = row.status in REVEAL_RAN
        # A drop's answers are final once its reveal has run, so this second read agrees
        # with the first; before the reveal it is not made at all.
        choices = list(await conn.scalars(_CHOICES, {"drop_id": drop_id})) if revealed else []
    question = core.questions[row.question_id]
    order = tuple(row.option_order.split(","))
    card = question_card(
        core.pack,
        question,
        drop_id=row.id,
        team_id=row.team_id,
        seq=row.seq,
        option_order=order,
        opened_at=row.opened_at,
        closes_at=row.closes_at,
        answer_count=int(row.answer_count or 0),
    )
    yours = tuple(row.yours.split(",")) if user_id and row.yours else None
    labels = card.labels_of(yours) if yours else None
    return DropCardState(
        question=card,
        accepting=row.status == OPEN and core.clock.now() < row.closes_at,
        reveal=reveal_card(card, question, choices) if revealed else None,
        your_labels=labels,
        your_correct=question.is_correct(yours) if revealed and yours else None,
        message_id=row.message_id,
        reveal_mode=RevealMode(row.reveal_mode),
    )
