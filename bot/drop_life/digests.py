"""Weekly digests: on each schedule's digest day, after its drop time, last week's leaderboards
are posted once per schedule and week, to workspaces that still have the app installed.

A digest is claimed under a lease and marked done only once it is posted, so a replica that dies
in between leaves it to another replica instead of losing it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, update

from bot.domain.periods import Period, local_date, period_start
from bot.drop_life.announcements import weekly_digest
from bot.ports import ChannelRef, ChatPlatform, DeliveryError
from bot.service.commands import ShowLeaderboard
from bot.service.context import Core
from bot.service.leaderboards import show_leaderboard
from bot.service.pacing import Pacer
from bot.service.schedules import record_delivery_error, schedules_of_every_org_for_digests
from bot.storage.dialect import insert_for
from bot.storage.tables import digests

RETRY_AFTER = timedelta(minutes=1)  # a digest that failed for a moment is tried again then


class DigestPoster:
    def __init__(
        self,
        core: Core,
        pacer: Pacer,
        *,
        owner: str,
        lease: timedelta,
        now: Callable[[], datetime],
    ) -> None:
        self.core = core
        self.pacer = pacer
        self.owner = owner
        self.lease = lease
        self.now = now

    async def post_due(self) -> int:
        """Post every digest that is due and not yet posted; returns how many were posted."""
        now = self.now()
        sent = 0
        for record in await schedules_of_every_org_for_digests(self.core):
            s = record.schedule
            today = local_date(now, s.timezone)
            if today.weekday() != s.digest_weekday:
                continue
            if now.astimezone(ZoneInfo(s.timezone)).time() < s.local_time:
                continue
            week = period_start(Period.WEEK, today)
            if not await self._claim(record.id, week):
                continue
            if await self._post(record.channel, week - timedelta(days=7), record.id, week):
                sent += 1
        return sent

    async def _claim(self, schedule_id: int, week: date) -> bool:
        """Take the week's digest of the schedule: new, or not posted and its lease run out."""
        now = self.now()
        lease = {"lease_owner": self.owner, "lease_until": now + self.lease}
        async with self.core.db.write() as conn:
            inserted = await conn.scalar(
                insert_for(conn, digests)
                .values(schedule_id=schedule_id, week_start=week, posted_at=None, **lease)
                .on_conflict_do_nothing()
                .returning(digests.c.schedule_id)
            )
            if inserted is not None:
                return True
            taken = await conn.scalar(
                update(digests)
                .where(
                    digests.c.schedule_id == schedule_id,
                    digests.c.week_start == week,
                    digests.c.posted_at.is_(None),
                    or_(digests.c.lease_until.is_(None), digests.c.lease_until < now),
                )
                .values(**lease)
                .returning(digests.c.schedule_id)
            )
        return taken is not None

    async def _finish(self, schedule_id: int, week: date, **values: object) -> None:
        async with self.core.db.write() as conn:
            await conn.execute(
                update(digests)
                .where(
                    and_(
                        digests.c.schedule_id == schedule_id,
                        digests.c.week_start == week,
                        digests.c.lease_owner == self.owner,
                    )
                )
                .values(lease_owner=None, **values)
            )

    async def _post(self, channel: ChannelRef, day: date, schedule_id: int, week: date) -> bool:
        overall = await show_leaderboard(self.core, ShowLeaderboard(channel, Period.WEEK, on=day))
        per_domain = [
            await show_leaderboard(
                self.core, ShowLeaderboard(channel, Period.WEEK, d.id, limit=3, on=day)
            )
            for d in self.core.pack.domains
        ]
        try:
            platform: ChatPlatform = self.core.platform(channel.platform)
            async with self.pacer.turn(channel):
                await platform.post_weekly_digest(channel, weekly_digest(overall, per_domain))
        except (DeliveryError, LookupError) as exc:
            if isinstance(exc, DeliveryError) and not exc.permanent:  # a later tick tries again
                await self._finish(schedule_id, week, lease_until=self.now() + RETRY_AFTER)
            else:
                await self._finish(schedule_id, week, posted_at=self.now(), lease_until=None)
                await record_delivery_error(self.core, schedule_id, f"Weekly digest: {exc}")
            return False
        await self._finish(schedule_id, week, posted_at=self.now(), lease_until=None)
        return True
