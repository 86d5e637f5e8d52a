"""An organisation's life on a platform: switching it off when the app is removed from it."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.service.context import Core
from bot.storage.tables import organisations


async def deactivate_organisation(core: Core, platform: str, external_id: str) -> bool:
    """Mark the workspace or tenant inactive (its data stays); False if it was never registered.

    Registering a team again (the bot is invited back) makes it active again.
    """
    async with core.db.write() as conn:
        result = await conn.execute(
            update(organisations)
            .where(organisations.c.platform == platform)
            .where(organisations.c.external_id == external_id)
            .values(active=False)
        )
    return bool(result.rowcount)


async def is_active(core: Core, platform: str, external_id: str) -> bool:
    """True when the organisation is registered and active."""
    async with core.db.read() as conn:
        value = await conn.scalar(
            select(organisations.c.active)
            .where(organisations.c.platform == platform)
            .where(organisations.c.external_id == external_id)
        )
    return bool(value)
