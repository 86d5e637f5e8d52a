"""Streaks are kept in the database by the rule Streak.after_answer states, batches included."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import select

from bot.domain.scoring import Streak
from bot.drop_life.start_close import start_drop
from bot.service.answers import submit_answer
from bot.service.commands import StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.storage.tables import members, team_members
from tests.conftest import CHANNEL, register


async def _stored(core: Core, user: str) -> Streak:
    async with core.db.read() as conn:
        row = (
            await conn.execute(
                select(
                    team_members.c.streak_current,
                    team_members.c.streak_best,
                    team_members.c.streak_last_seq,
                )
                .join(members, members.c.id == team_members.c.member_id)
                .where(members.c.user_id == user)
            )
        ).one()
    return Streak(*row)


def _some_choice(core: Core, question_id: str) -> tuple[str, ...]:
    question = core.questions[question_id]
    return question.option_ids[: question.pick]


async def test_streaks_follow_the_domain_rule_through_batches_gaps_and_late_answers(
    core: Core,
) -> None:
    await register(core)
    cards = [await start_drop(core, StartDrop(CHANNEL)) for _ in range(8)]

    async def answer(user: str, *seqs: int) -> None:
        """Answer drops (by sequence number, from 1) together, so they share one batch."""
        await asyncio.gather(
            *(
                submit_answer(
                    core,
                    SubmitAnswer(
                        CHANNEL,
                        cards[seq - 1].drop_id,
                        user,
                        user,
                        _some_choice(core, cards[seq - 1].question_id),
                    ),
                )
                for seq in seqs
            )
        )

    rng = random.Random(7)
    plans = {
        "amy": [(1,), (2,), (4, 3), (6,), (5,)],  # a batch out of order, a gap, a late answer
        "bob": [(2, 1, 3), (7,), (8,)],
        "cat": [(5,), (1, 2), (3,)],  # late answers after a later drop
    }
    for user in ("dan", "eve"):
        seqs = rng.sample(range(1, 9), 6)
        plans[user] = [tuple(seqs[:3]), (seqs[3],), tuple(seqs[4:])]
    for user, batches in plans.items():
        expected = Streak()
        for batch in batches:
            await answer(user, *batch)
            for seq in sorted(batch):
                expected = expected.after_answer(seq)
        assert await _stored(core, user) == expected, user
    assert await _stored(core, "amy") == Streak(current=1, best=4, last_seq=6)
