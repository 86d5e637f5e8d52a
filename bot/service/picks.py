"""What each member picked on drops whose reveal has run: never shown before the reveal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from bot.drop_life.states import CLOSED, REVEALED
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.directory import find_team
from bot.storage.tables import answers, drops, members


@dataclass(frozen=True)
class Pick:
    user_id: str
    display_name: str
    option_ids: tuple[str, ...]
    correct: bool


async def picks_after_close(
    core: Core, channel: ChannelRef, drop_ids: list[int]
) -> dict[int, list[Pick]]:
    """Each member's own answer per drop of the channel, for drops whose reveal has run (closed
    or revealed). An open drop, or one whose window has ended but whose reveal has not run yet,
    yields nothing: no door can show picks before the reveal. Drops of other channels yield
    nothing either."""
    if not drop_ids:
        return {}
    query = (
        select(
            answers.c.drop_id,
            members.c.user_id,
            members.c.display_name,
            answers.c.option_ids,
            answers.c.correct,
        )
        .join(members, members.c.id == answers.c.member_id)
        .join(drops, drops.c.id == answers.c.drop_id)
        .where(answers.c.drop_id.in_(drop_ids), drops.c.status.in_((CLOSED, REVEALED)))
        .where(drops.c.team_id == bindparam("team_id"))
        .order_by(answers.c.drop_id, answers.c.answered_at, answers.c.id)
    )
    found: dict[int, list[Pick]] = {}
    async with core.db.read() as conn:
        team = await find_team(conn, channel)
        rows = await conn.execute(query, {"team_id": team.id})
        for drop_id, user_id, name, options, correct in rows:
            pick = Pick(user_id, name, tuple(options.split(",")), bool(correct))
            found.setdefault(drop_id, []).append(pick)
    return found
