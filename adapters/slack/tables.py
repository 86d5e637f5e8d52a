"""Tables the Slack door keeps (installations, OAuth state), in the shared migration history."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, UniqueConstraint

from bot.storage.tables import NAMING_CONVENTION
from bot.storage.types import UTCDateTime

# The door's own tables, apart from the core's; bot/storage/migrations creates them.
metadata = MetaData(naming_convention=NAMING_CONVENTION)

# One row per installed workspace (or Enterprise Grid org). Absent ids are stored as "" so the
# unique key works the same on SQLite and PostgreSQL. Tokens are encrypted (Fernet) at rest.
slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("enterprise_id", String(32), nullable=False),
    Column("team_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=True),
    Column("enterprise_name", String(200), nullable=True),
    Column("team_name", String(200), nullable=True),
    Column("bot_id", String(32), nullable=False),
    Column("bot_user_id", String(32), nullable=False),
    Column("bot_scopes", Text, nullable=False),
    Column("bot_token", Text, nullable=False),
    Column("bot_refresh_token", Text, nullable=True),
    Column("bot_token_expires_at", UTCDateTime, nullable=True),
    Column("installer_user_id", String(32), nullable=False),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", UTCDateTime, nullable=False),
    UniqueConstraint("enterprise_id", "team_id"),
)

# OAuth `state` values handed out by /slack/install; each is consumed once before it expires.
slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("state", String(64), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False),
)
