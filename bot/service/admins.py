"""Study admins: members a platform admin has allowed to run a channel's schedule and drops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import InvalidInputError
from bot.ports import ChannelRef
from bot.service import (
    audit,
    policy,  # the module: the policy reads is_study_admin from here
)
from bot.service.audit import AuditAction
from bot.service.commands import Actor
from bot.service.context import Core
from bot.service.directory import TeamRecord, find_team, upsert_member
from bot.storage.dialect import insert_for
from bot.storage.tables import members, team_members


def admin_change_text(names: Sequence[str], admin: bool, where: str = "") -> str:
    """The sentence every door answers a study admin change with ("Ada is now a study admin.");
    `where` names the channel when the asker is not in it ("of #study")."""
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    one = len(names) == 1
    if admin:
        said = "is now a study admin" if one else "are now study admins"
    else:
        said = "is no longer a study admin" if one else "are no longer study admins"
    return f"{who} {said}{' ' + where if where else ''}."


async def set_study_admin(
    core: Core, channel: ChannelRef, user_id: str, display_name: str, admin: bool, *, actor: Actor
) -> None:
    """Make one member a study admin of the channel's team (or stop them being one)."""
    await set_study_admins(core, channel, [(user_id, display_name)], admin, actor=actor)


async def set_study_admins(
    core: Core,
    channel: ChannelRef,
    people: Sequence[tuple[str, str]],
    admin: bool,
    *,
    actor: Actor,
    where: str = "",
) -> str:
    """Make members, each (user id, display name), study admins of the channel's team (or stop
    them being ones), all of them or none: one transaction; the sentence that says so.

    The policy decides whether `actor` may (NotAllowedError otherwise). An empty display name
    keeps the name already stored (the command line knows only ids).
    """
    await policy.authorize(core, actor, policy.Action.MANAGE_STUDY_ADMINS, channel)
    if not people:
        raise InvalidInputError("Name at least one person; nothing was changed.")
    now = core.clock.now()
    async with core.db.write() as conn:
        team = await find_team(conn, channel)
        for user_id, display_name in people:
            await _set_admin(conn, team, user_id, display_name, admin, actor, now)
    return admin_change_text([name or user_id for user_id, name in people], admin, where)


async def _set_admin(
    conn: AsyncConnection,
    team: TeamRecord,
    user_id: str,
    display_name: str,
    admin: bool,
    actor: Actor,
    now: datetime,
) -> None:
    member_id = await _known_member(conn, team.org_id, user_id) if not display_name else None
    if member_id is None:
        member_id = await upsert_member(conn, team.org_id, user_id, display_name, now)
    was = await conn.scalar(
        select(team_members.c.is_admin).where(
            team_members.c.team_id == team.id, team_members.c.member_id == member_id
        )
    )
    stmt = insert_for(conn, team_members).values(
        team_id=team.id,
        member_id=member_id,
        joined_at=now,
        is_admin=admin,
        streak_current=0,
        streak_best=0,
        streak_last_seq=0,
    )
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[team_members.c.team_id, team_members.c.member_id],
            set_={"is_admin": admin},
        )
    )
    if bool(was) != admin:  # a change: the trail keeps it (asking twice records once)
        action = AuditAction.ADMIN_ADDED if admin else AuditAction.ADMIN_REMOVED
        await audit.record(
            conn, team.org_id, actor, action, f"{display_name or user_id} in {team.name}",
            now, before={"study admin": bool(was)}, after={"study admin": admin},
        )  # fmt: skip


async def is_study_admin(core: Core, channel: ChannelRef, user_id: str) -> bool:
    """True when the member is a study admin of the channel's team (False for unknown people)."""
    async with core.db.read() as conn:
        team = await find_team(conn, channel)
        value = await conn.scalar(
            select(team_members.c.is_admin)
            .join(members, members.c.id == team_members.c.member_id)
            .where(team_members.c.team_id == team.id)
            .where(members.c.org_id == team.org_id)
            .where(members.c.user_id == user_id)
        )
    return bool(value)


@dataclass(frozen=True)
class StudyAdmin:
    user_id: str
    display_name: str


async def list_study_admins(core: Core, channel: ChannelRef, *, actor: Actor) -> list[StudyAdmin]:
    """The study admins of the channel's team, by name (NotFoundError for an unknown channel)."""
    await policy.authorize(core, actor, policy.Action.MANAGE_STUDY_ADMINS, channel)
    async with core.db.read() as conn:
        team = await find_team(conn, channel)
        rows = await conn.execute(
            select(members.c.user_id, members.c.display_name)
            .join(team_members, team_members.c.member_id == members.c.id)
            .where(team_members.c.team_id == team.id)
            .where(team_members.c.is_admin.is_(True))
            .where(members.c.org_id == team.org_id)
            .order_by(members.c.display_name, members.c.user_id)
        )
        return [StudyAdmin(r.user_id, r.display_name) for r in rows]


async def _known_member(conn: AsyncConnection, org_id: int, user_id: str) -> int | None:
    value = await conn.scalar(
        select(members.c.id).where(members.c.org_id == org_id).where(members.c.user_id == user_id)
    )
    return int(value) if value is not None else None
