"""Tells a channel's study admins, each in their own chat with the app, that a drop failed for
good: why and what to do, at most once per channel per local day (docs/operations.md).

The day's marker is a row of drop_alerts, claimed with an INSERT only one replica can make, so
the limit holds across replicas and restarts. A failing alert is logged and never raised: the
drop's own bookkeeping is already done when it is sent.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.delivery_advice import SCHEDULE_PAGE, what_to_do
from bot.drop_life.reading import DropRecord
from bot.ports import ChatPlatform
from bot.service.admins import StudyAdmin, list_study_admins
from bot.service.commands import Actor
from bot.service.context import Core
from bot.storage.dialect import insert_for
from bot.storage.tables import drop_alerts, teams

log = logging.getLogger("studybot.alerts")


def alert_text(team_name: str, seq: int, reason: str, platform: str) -> str:
    """The private message: which question did not reach which channel, why, and what to do."""
    return (
        f"studybot could not post question #{seq} to {team_name}, and has stopped trying.\n"
        f"Why: {reason}\n"
        f"What to do: {what_to_do(reason, platform)}\n"
        f"{SCHEDULE_PAGE} You get at most one of these messages per channel a day."
    )


def local_day(drop: DropRecord, now: datetime) -> date:
    """Today in the channel's time zone (UTC if it is not a zone this system knows)."""
    try:
        return now.astimezone(ZoneInfo(drop.timezone)).date()
    except (KeyError, ValueError):
        return now.date()


async def alert_admins(core: Core, drop: DropRecord, reason: str, now: datetime) -> int:
    """Tell the channel's study admins that the drop failed for good; how many were told. Never
    raises."""
    try:
        return await _alert(core, drop, reason, now)
    except Exception:
        log.exception(
            "could not tell the study admins of %s that drop %s failed", drop.channel, drop.id
        )
        return 0


async def _alert(core: Core, drop: DropRecord, reason: str, now: datetime) -> int:
    admins = await list_study_admins(core, drop.channel, actor=Actor.the_service())
    if not admins:
        log.warning(
            "drop %s to %s failed and the channel has no study admins to tell",
            drop.id,
            drop.channel,
        )
        return 0
    platform = core.platform(drop.channel.platform)  # LookupError (logged) before the day is used
    if not await _claim_day(core, drop, now):
        log.info("the study admins of %s were already told of a failed drop today", drop.channel)
        return 0
    team_name = await _team_name(core, drop)
    text = alert_text(team_name, drop.seq, reason, drop.channel.platform)
    told = 0
    for admin in admins:
        if await _tell(platform, drop, admin, text):
            told += 1
    return told


async def _tell(platform: ChatPlatform, drop: DropRecord, admin: StudyAdmin, text: str) -> bool:
    try:
        await platform.post_direct(drop.channel, admin.user_id, text)
    except Exception as exc:  # one admin out of reach must not keep the others from being told
        log.warning(
            "could not tell study admin %s of %s that drop %s failed: %s",
            admin.user_id,
            drop.channel,
            drop.id,
            exc,
        )
        return False
    log.info("told study admin %s of %s that drop %s failed", admin.user_id, drop.channel, drop.id)
    return True


async def _claim_day(core: Core, drop: DropRecord, now: datetime) -> bool:
    """Take today's marker for the channel; False if another failure (on any replica) has."""
    async with core.db.write() as conn:
        result = await conn.execute(
            insert_for(conn, drop_alerts)
            .values(
                team_id=drop.team_id,
                local_date=local_day(drop, now),
                drop_id=drop.id,
                alerted_at=now,
            )
            .on_conflict_do_nothing()
        )
    return bool(result.rowcount)


async def _team_name(core: Core, drop: DropRecord) -> str:
    async with core.db.read() as conn:
        name = await conn.scalar(select(teams.c.name).where(teams.c.id == drop.team_id))
    return str(name or drop.channel.channel_id)
