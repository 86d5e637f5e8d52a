"""Tables of the Microsoft Teams door (conversation references)

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('teams_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('channel_key', sa.String(length=64), nullable=False),
    sa.Column('conversation_id', sa.String(length=512), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.String(length=256), nullable=True),
    sa.Column('service_url', sa.String(length=512), nullable=False),
    sa.Column('reference', sa.JSON(), nullable=False),
    sa.Column('updated_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams_conversations')),
    sa.UniqueConstraint('tenant_id', 'channel_key', name=op.f('uq_teams_conversations_tenant_id'))
    )


def downgrade() -> None:
    op.drop_table('teams_conversations')
