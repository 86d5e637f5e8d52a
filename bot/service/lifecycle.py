"""An organisation's life on a platform: the app installed in it, and switched off when the app
is removed from it (or from some of its channels); each leaves an entry in its audit trail."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy import select, update

from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service import audit
from bot.service.admins import list_study_admins, set_study_admin
from bot.service.audit import AuditAction
from bot.service.commands import Actor, RegisterTeam
from bot.service.context import Core
from bot.service.directory import register_team, upsert_organisation
from bot.service.schedules import channel_schedules, record_delivery_error, set_schedule_active
from bot.storage.tables import organisations

log = logging.getLogger("studybot.lifecycle")


async def pause_removed_channels(
    core: Core, channels: Sequence[ChannelRef], note: Callable[[str], str]
) -> list[str]:
    """The app was removed from these channels: pause each running schedule with `note(team
    name)` as its delivery error (posting there fails forever), and return the user ids of the
    channels' study admins to tell (none when nothing was running)."""
    paused = 0
    studybot = Actor.the_service()  # acting on the platform's word that the app was removed
    for channel in channels:
        for record in await channel_schedules(core, channel):
            if record.schedule.active:
                await set_schedule_active(core, channel, False, actor=studybot)
                await record_delivery_error(core, record.id, note(record.team_name))
                paused += 1
    if not paused:
        return []
    log.info("paused %d schedule(s) of channels the app was removed from", paused)
    admins: set[str] = set()
    for channel in channels:
        try:
            admins.update(a.user_id for a in await list_study_admins(core, channel, actor=studybot))
        except NotFoundError:  # the app was there, but it never became a study channel
            continue
    return sorted(admins)


async def record_installation(
    core: Core,
    platform: str,
    external_id: str,
    org_name: str,
    installer_id: str | None,
    where: str | None = None,
) -> None:
    """The app was installed in a workspace, or in a team of a tenant (`where`), by
    `installer_id` when the platform says who: the organisation is registered and active, and
    its audit trail says so once (Teams reports one install twice)."""
    now = core.clock.now()
    target = where or org_name
    async with core.db.write() as conn:
        org_id = await upsert_organisation(conn, platform, external_id, org_name, now)
        if await audit.last_lifecycle(conn, org_id, target) != AuditAction.INSTALLED:
            who = Actor(platform, external_id, installer_id or "unknown")
            await audit.record(conn, org_id, who, AuditAction.INSTALLED, target, now)


async def team_installed(
    core: Core,
    place: RegisterTeam,
    installer_id: str,
    installer_name: str,
    home: RegisterTeam | None = None,
    where: str | None = None,
) -> None:
    """The app was installed in a team by a person: the channel is registered, the person becomes
    a study admin of the team's home channel (`home`, registered too: where the platform keeps
    the team's own study admins; the channel itself when None), and the audit trail records the
    install once, whichever of the platform's install events comes first."""
    await register_team(core, place)
    if home is not None:
        await register_team(core, home)
    admin_of = (home or place).channel
    await set_study_admin(
        core, admin_of, installer_id, installer_name, True, actor=Actor.the_service()
    )
    channel = place.channel
    await record_installation(
        core, channel.platform, channel.org_external_id, place.org_name, installer_id, where
    )


async def record_removal(core: Core, platform: str, external_id: str, where: str) -> None:
    """The app was removed from a team of a tenant (the tenant itself stays active)."""
    async with core.db.write() as conn:
        org_id = await conn.scalar(
            select(organisations.c.id)
            .where(organisations.c.platform == platform)
            .where(organisations.c.external_id == external_id)
        )
        if org_id is not None and await audit.last_lifecycle(conn, org_id, where) != (
            AuditAction.UNINSTALLED
        ):
            await audit.record(
                conn, org_id, Actor.the_service(), AuditAction.UNINSTALLED, where,
                core.clock.now(),
            )  # fmt: skip


async def deactivate_organisation(core: Core, platform: str, external_id: str) -> bool:
    """Mark the workspace or tenant inactive (its data stays); False if it was never registered.

    Registering a team again (the bot is invited back) makes it active again.
    """
    async with core.db.write() as conn:
        row = (
            await conn.execute(
                update(organisations)
                .where(organisations.c.platform == platform)
                .where(organisations.c.external_id == external_id)
                .where(organisations.c.active.is_(True))
                .values(active=False)
                .returning(organisations.c.id, organisations.c.name)
            )
        ).first()
        if row is not None:  # the platform does not say who removed it
            await audit.record(
                conn, row.id, Actor.the_service(), AuditAction.UNINSTALLED, row.name,
                core.clock.now(),
            )  # fmt: skip
        registered = row is not None or await conn.scalar(
            select(organisations.c.id)
            .where(organisations.c.platform == platform)
            .where(organisations.c.external_id == external_id)
        )
    return bool(registered)
