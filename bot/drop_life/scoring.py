"""Scoring a drop at its reveal: its answers' points and correctness join member_stats once.

Until then an answer adds only to the count of answers, so no leaderboard, report or API shows
whether it was right. The drop's scored_at is set in the same transaction as the addition, and
only if it was empty, so a reveal that is retried, run on two replicas at once or repeated by a
manual close adds the answers exactly once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.service.stats_rows import StatsEntry, add_to_stats
from bot.storage.tables import answers, drops

# Built once: every reveal runs them.
LOCK_DROP = select(drops.c.id).where(drops.c.id == bindparam("drop_id")).with_for_update()
CLAIM = (
    update(drops)
    .where(drops.c.id == bindparam("drop_id"), drops.c.scored_at.is_(None))
    .values(scored_at=bindparam("now"))
    .returning(drops.c.id)
)
SCORED_ANSWERS = select(
    answers.c.member_id,
    answers.c.domain_id,
    answers.c.correct,
    answers.c.points,
    answers.c.answered_at,
).where(
    answers.c.drop_id == bindparam("drop_id"),
    or_(answers.c.correct.is_(True), answers.c.points != 0),  # the rest add nothing
)


async def score_drop(
    conn: AsyncConnection, drop_id: int, team_id: int, timezone: str, now: datetime
) -> bool:
    """Add the drop's right answers and points to member_stats unless that was done already.

    Each answer counts in the periods of the day it was given, in the team's own time zone
    (where its answer was counted), with the points worked out when it was given (a speed bonus
    runs from the drop's post). Returns whether this call did the scoring.
    """
    if conn.dialect.name == "postgresql":
        # FOR UPDATE waits for answer batches that read this drop and have not committed yet
        # (they hold a key-share lock on its row, see answers.record_batch), so their answers
        # are read below; batches that come later wait for this commit, then see it closed.
        await conn.execute(LOCK_DROP, {"drop_id": drop_id})
    if await conn.scalar(CLAIM, {"drop_id": drop_id, "now": now}) is None:
        return False
    rows = await conn.execute(SCORED_ANSWERS, {"drop_id": drop_id})
    await add_to_stats(
        conn,
        (
            StatsEntry(
                team_id,
                r.member_id,
                r.domain_id,
                timezone,
                r.answered_at,
                0,
                int(r.correct),
                r.points,
            )
            for r in rows
        ),
    )
    return True
