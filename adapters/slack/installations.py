"""Where OAuth installs live: our database, with bot tokens encrypted (Fernet) at rest."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete, select
from sqlalchemy.engine import Row

from adapters.slack.tables import slack_installations, slack_oauth_states
from bot.ports import Clock
from bot.storage.database import Database
from bot.storage.dialect import insert_for

log = logging.getLogger("studybot.slack")
CACHE_SECONDS = 30.0  # a replica reuses a bot it read this long (its own writes clear it)


class TokenCipher:
    """Encrypts tokens with the newest key; decrypts with any configured key (rotation)."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored.encode()).decode()
        except InvalidToken:
            raise LookupError(
                "a stored Slack token cannot be decrypted with STUDYBOT_SLACK_TOKEN_KEY "
                "(was the key changed without keeping the old one?)"
            ) from None


class EncryptedInstallationStore(AsyncInstallationStore):
    """Bot installations per workspace; the tokens are encrypted before they reach the database.

    A found bot is kept for CACHE_SECONDS, so a burst of clicks reads and decrypts it once; this
    replica's saves and deletes drop it at once, another replica's are seen within that time.
    """

    def __init__(
        self,
        db: Database,
        cipher: TokenCipher,
        clock: Clock,
        on_install: Callable[[Installation], Awaitable[None]] | None = None,
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._clock = clock
        self._on_install = on_install  # told of each completed install (the audit trail)
        self._bots: dict[tuple[str | None, str | None, bool], tuple[float, Bot]] = {}

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        if not installation.bot_token or not installation.bot_id or not installation.bot_user_id:
            raise ValueError("studybot installs need a bot token (check the app's bot scopes)")
        await self.async_save_bot(installation.to_bot(), installer=installation.user_id)
        if self._on_install is not None:
            await self._on_install(installation)

    async def async_save_bot(self, bot: Bot, installer: str | None = None) -> None:
        """Insert or refresh a workspace's bot (also after a token rotation, which has no
        installer: the stored installer is then kept)."""
        expires = bot.bot_token_expires_at
        values: dict[str, object] = {
            "app_id": bot.app_id,
            "enterprise_name": bot.enterprise_name,
            "team_name": bot.team_name,
            "bot_id": bot.bot_id,
            "bot_user_id": bot.bot_user_id,
            "bot_scopes": ",".join(bot.bot_scopes or []),
            "bot_token": self._cipher.encrypt(bot.bot_token),
            "bot_refresh_token": (
                self._cipher.encrypt(bot.bot_refresh_token) if bot.bot_refresh_token else None
            ),
            "bot_token_expires_at": datetime.fromtimestamp(expires, UTC) if expires else None,
            "is_enterprise_install": bool(bot.is_enterprise_install),
            "installed_at": self._clock.now(),
        }
        updates = dict(values)
        if installer is not None:
            updates["installer_user_id"] = installer
        keys = {
            "enterprise_id": bot.enterprise_id or "",
            "team_id": "" if bot.is_enterprise_install else bot.team_id or "",
        }
        async with self._db.write() as conn:
            stmt = insert_for(conn, slack_installations).values(
                **keys, **values, installer_user_id=installer or ""
            )
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[
                        slack_installations.c.enterprise_id,
                        slack_installations.c.team_id,
                    ],
                    set_=updates,
                )
            )
        self._bots.clear()

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        cached = self._bots.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        row = await self._find(enterprise_id, team_id, is_enterprise_install)
        if row is None:
            return None
        bot = Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name,
            team_id=row.team_id or None,
            team_name=row.team_name,
            bot_token=self._cipher.decrypt(row.bot_token),
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=(
                self._cipher.decrypt(row.bot_refresh_token) if row.bot_refresh_token else None
            ),
            bot_token_expires_at=(
                int(row.bot_token_expires_at.timestamp()) if row.bot_token_expires_at else None
            ),
            is_enterprise_install=row.is_enterprise_install,
            installed_at=row.installed_at.timestamp(),
        )
        self._bots[key] = (now + CACHE_SECONDS, bot)
        return bot

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = await self.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is None:
            return None
        row = await self._find(enterprise_id, team_id, is_enterprise_install)
        assert row is not None
        if user_id is not None and user_id != row.installer_user_id:
            return None  # studybot keeps no user tokens: only the installer's record exists
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            enterprise_name=bot.enterprise_name,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=row.installer_user_id,
            is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                delete(slack_installations)
                .where(slack_installations.c.enterprise_id == (enterprise_id or ""))
                .where(slack_installations.c.team_id == (team_id or ""))
            )
        self._bots.clear()

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:  # the bot's installation is the only one stored
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def _find(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> Row[tuple[object, ...]] | None:
        team_key = "" if is_enterprise_install else team_id or ""
        query = select(slack_installations).where(slack_installations.c.team_id == team_key)
        if enterprise_id is not None or not team_key:
            query = query.where(slack_installations.c.enterprise_id == (enterprise_id or ""))
        # else: outbound posts know only the workspace; a workspace id is unique across Slack,
        # so its installation is found whichever Enterprise Grid org it belongs to.
        async with self._db.read() as conn:
            return (
                await conn.execute(query.order_by(slack_installations.c.installed_at.desc()))
            ).first()


class DatabaseStateStore(AsyncOAuthStateStore):
    """OAuth state values in the database, so any replica can finish an install another began."""

    def __init__(self, db: Database, clock: Clock, expiration: timedelta) -> None:
        self._db = db
        self._clock = clock
        self._expiration = expiration

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock.now()
        async with self._db.write() as conn:
            await conn.execute(
                delete(slack_oauth_states).where(slack_oauth_states.c.expires_at < now)
            )
            await conn.execute(
                slack_oauth_states.insert().values(state=state, expires_at=now + self._expiration)
            )
        return state

    async def async_consume(self, state: str) -> bool:
        async with self._db.write() as conn:
            result = await conn.execute(
                delete(slack_oauth_states)
                .where(slack_oauth_states.c.state == state[:64])
                .where(slack_oauth_states.c.expires_at > self._clock.now())
            )
        return bool(result.rowcount)
