"""Tables the Microsoft Teams door keeps (conversation references), in the shared migrations."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, UniqueConstraint

from bot.storage.tables import NAMING_CONVENTION
from bot.storage.types import UTCDateTime

# The door's own tables, apart from the core's; bot/storage/migrations creates them.
metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Where the bot can post in a tenant: a team channel, a group chat or a personal chat. The core
# knows a channel as ChannelRef("teams", tenant_id, channel_key); channel_key is the Teams
# conversation id when it fits in 64 characters, else a stable hash of it. `reference` is the
# serialized Bot Framework ConversationReference used for proactive posts.
teams_conversations = Table(
    "teams_conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("channel_key", String(64), nullable=False),
    Column("conversation_id", String(512), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("team_id", String(256), nullable=True),
    Column("service_url", String(512), nullable=False),
    Column("reference", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant_id", "channel_key"),
)
