"""Members who have stopped answering: they missed their team's last few questions in a row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, tuple_

from bot.drop_life.states import SHOWN
from bot.service.context import Core
from bot.storage.tables import drops, members, team_members, teams

DEFAULT_MISSED = 5  # about a working week of daily questions
CHUNK = 2000


@dataclass(frozen=True)
class InactiveMember:
    team_id: int
    team_name: str
    member_id: int
    user_id: str
    display_name: str
    missed: int  # closed questions of the team since the member's last answer
    last_answered_drop_at: datetime | None  # when the last question they answered was posted


async def inactive_members(
    core: Core, team_ids: Sequence[int], min_missed: int = DEFAULT_MISSED
) -> list[InactiveMember]:
    """Members of these teams who answered before but missed at least `min_missed` of their
    team's closed questions in a row since; longest silence first."""
    if not team_ids:
        return []
    ids = list(team_ids)
    now = core.clock.now()
    async with core.db.read() as conn:
        latest = {
            int(t): int(s)
            for t, s in await conn.execute(
                select(drops.c.team_id, func.max(drops.c.seq))
                .where(
                    drops.c.team_id.in_(ids),
                    drops.c.status.in_(SHOWN),
                    drops.c.closes_at <= now,
                )
                .group_by(drops.c.team_id)
            )
        }
        silent = {
            (int(t), int(m)): latest.get(int(t), 0) - int(seq)
            for t, m, seq in await conn.execute(
                select(
                    team_members.c.team_id,
                    team_members.c.member_id,
                    team_members.c.streak_last_seq,
                ).where(team_members.c.team_id.in_(ids), team_members.c.streak_last_seq > 0)
            )
            if latest.get(int(t), 0) - int(seq) >= min_missed
        }
        if not silent:
            return []
        pairs = list(silent)
        rows: list[Any] = []
        for at in range(0, len(pairs), CHUNK):  # bounded IN lists (driver parameter limits)
            rows += (
                await conn.execute(
                    select(
                        team_members.c.team_id,
                        teams.c.name,
                        members.c.id,
                        members.c.user_id,
                        members.c.display_name,
                        drops.c.opened_at,
                    )
                    .join(members, members.c.id == team_members.c.member_id)
                    .join(teams, teams.c.id == team_members.c.team_id)
                    .outerjoin(
                        drops,
                        and_(
                            drops.c.team_id == team_members.c.team_id,
                            drops.c.seq == team_members.c.streak_last_seq,
                        ),
                    )
                    .where(
                        tuple_(team_members.c.team_id, team_members.c.member_id).in_(
                            pairs[at : at + CHUNK]
                        )
                    )
                )
            ).all()
    found = [
        InactiveMember(int(r[0]), r[1], int(r[2]), r[3], r[4], silent[(int(r[0]), int(r[2]))], r[5])
        for r in rows
    ]
    return sorted(found, key=lambda m: (-m.missed, m.team_name, m.display_name.casefold()))
