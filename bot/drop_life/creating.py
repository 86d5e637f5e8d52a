"""Creating drops: the next question for each team, chosen and stored in one transaction.

Used for one drop (drop now) and for a whole scheduled minute (hundreds of teams at once): the
selection data of every team involved is read with a few grouped queries, not per team.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.exam import Question
from bot.domain.periods import ALL_TIME_START, Period
from bot.domain.schedule import RevealMode
from bot.domain.selection import DomainRecord, choose_question, option_order
from bot.drop_life.cards import question_card
from bot.drop_life.states import CREATED_AS, OPEN, PENDING, DropStatus, TransitionNotAllowed
from bot.service.context import Core
from bot.service.views import QuestionCard
from bot.storage.dialect import insert_for
from bot.storage.tables import drops, member_stats


@dataclass(frozen=True)
class DropPlan:
    """One drop to create: for which team, when, and how it is delivered."""

    team_id: int
    opened_at: datetime
    closes_at: datetime
    reveal_mode: RevealMode
    status: DropStatus = OPEN  # PENDING: the delivery engine posts it at next_attempt_at
    focus_domain: str | None = None
    occurrence_key: str | None = None
    schedule_id: int | None = None
    seed: int | None = None
    held_by: str | None = None  # a lease holder posting it right away (see by_hand.drop_now)
    held_until: datetime | None = None


async def create_drops(
    core: Core, conn: AsyncConnection, plans: Sequence[DropPlan]
) -> list[QuestionCard | None]:
    """Create the planned drops; None where another writer created that occurrence first."""
    team_ids = sorted({p.team_id for p in plans})
    dropped = await _times_dropped(conn, team_ids)
    records = await _domain_records(conn, team_ids)
    last_seq, last_question = await _latest(conn, team_ids)
    rows: list[dict[str, object]] = []
    chosen: list[tuple[DropPlan, int, Question, tuple[str, ...]]] = []
    for plan in plans:
        if plan.status not in CREATED_AS:
            raise TransitionNotAllowed(f"a drop may not be created {plan.status}")
        seq = last_seq.get(plan.team_id, 0) + 1
        last_seq[plan.team_id] = seq
        seed = plan.seed if plan.seed is not None else _seed(core, plan.team_id, seq)
        rng = random.Random(seed)
        question = choose_question(
            core.pack.questions,
            core.pack.domains,
            dropped[plan.team_id],
            records[plan.team_id],
            rng,
            focus_domain=plan.focus_domain,
            last_question_id=last_question.get(plan.team_id),
        )
        dropped[plan.team_id][question.id] += 1
        last_question[plan.team_id] = question.id
        order = option_order(question, rng)
        rows.append(
            {
                "team_id": plan.team_id,
                "seq": seq,
                "question_id": question.id,
                "status": plan.status,
                "option_order": ",".join(order),
                "reveal_mode": plan.reveal_mode.value,
                "selection_seed": seed,
                "occurrence_key": plan.occurrence_key,
                "schedule_id": plan.schedule_id,
                "attempts": 1 if plan.held_by else 0,
                "next_attempt_at": plan.opened_at if plan.status == PENDING else None,
                "lease_owner": plan.held_by,
                "lease_until": plan.held_until,
                "post_started_at": plan.opened_at if plan.held_by else None,  # posted right away
                "opened_at": plan.opened_at,
                "closes_at": plan.closes_at,
            }
        )
        chosen.append((plan, seq, question, order))
    if not rows:
        return []
    created = {
        (team_id, seq): drop_id
        for drop_id, team_id, seq in await conn.execute(
            insert_for(conn, drops)
            .values(rows)
            .on_conflict_do_nothing()  # an occurrence another replica created first
            .returning(drops.c.id, drops.c.team_id, drops.c.seq)
        )
    }
    result: list[QuestionCard | None] = []
    for plan, seq, question, order in chosen:
        drop_id = created.get((plan.team_id, seq))
        result.append(
            None
            if drop_id is None
            else question_card(
                core.pack,
                question,
                drop_id=drop_id,
                team_id=plan.team_id,
                seq=seq,
                option_order=order,
                opened_at=plan.opened_at,
                closes_at=plan.closes_at,
                answer_count=0,
            )
        )
    return result


async def _times_dropped(conn: AsyncConnection, team_ids: list[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for team_id, question_id, n in await conn.execute(
        select(drops.c.team_id, drops.c.question_id, func.count())
        .where(drops.c.team_id.in_(team_ids))
        .group_by(drops.c.team_id, drops.c.question_id)
    ):
        found[team_id][question_id] = int(n)
    return found


async def _domain_records(
    conn: AsyncConnection, team_ids: list[int]
) -> dict[int, dict[str, DomainRecord]]:
    found: dict[int, dict[str, DomainRecord]] = defaultdict(dict)
    for team_id, domain_id, answered, correct in await conn.execute(
        select(
            member_stats.c.team_id,
            member_stats.c.domain_id,
            func.sum(member_stats.c.answered),
            func.sum(member_stats.c.correct),
        )
        .where(
            member_stats.c.team_id.in_(team_ids),
            member_stats.c.period == Period.ALL.value,
            member_stats.c.period_start == ALL_TIME_START,
        )
        .group_by(member_stats.c.team_id, member_stats.c.domain_id)
    ):
        found[team_id][domain_id] = DomainRecord(int(answered), int(correct))
    return found


async def _latest(
    conn: AsyncConnection, team_ids: list[int]
) -> tuple[dict[int, int], dict[int, str]]:
    """Each team's highest drop number and the question of that drop."""
    newest = (
        select(drops.c.team_id, func.max(drops.c.seq).label("seq"))
        .where(drops.c.team_id.in_(team_ids))
        .group_by(drops.c.team_id)
        .subquery()
    )
    rows = await conn.execute(
        select(drops.c.team_id, drops.c.seq, drops.c.question_id).join(
            newest, and_(drops.c.team_id == newest.c.team_id, drops.c.seq == newest.c.seq)
        )
    )
    seqs, questions = {}, {}
    for team_id, seq, question_id in rows:
        seqs[team_id] = int(seq)
        questions[team_id] = question_id
    return seqs, questions


def _seed(core: Core, team_id: int, seq: int) -> int:
    if core.seed is not None:
        return random.Random(f"{core.seed}:{team_id}:{seq}").getrandbits(62)
    return random.SystemRandom().getrandbits(62)
