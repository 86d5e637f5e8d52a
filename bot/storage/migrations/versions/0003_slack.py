"""Tables of the Slack door (installations, OAuth state)

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('slack_installations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.String(length=32), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('app_id', sa.String(length=32), nullable=True),
    sa.Column('enterprise_name', sa.String(length=200), nullable=True),
    sa.Column('team_name', sa.String(length=200), nullable=True),
    sa.Column('bot_id', sa.String(length=32), nullable=False),
    sa.Column('bot_user_id', sa.String(length=32), nullable=False),
    sa.Column('bot_scopes', sa.Text(), nullable=False),
    sa.Column('bot_token', sa.Text(), nullable=False),
    sa.Column('bot_refresh_token', sa.Text(), nullable=True),
    sa.Column('bot_token_expires_at', bot.storage.types.UTCDateTime(), nullable=True),
    sa.Column('installer_user_id', sa.String(length=32), nullable=False),
    sa.Column('is_enterprise_install', sa.Boolean(), nullable=False),
    sa.Column('installed_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slack_installations')),
    sa.UniqueConstraint('enterprise_id', 'team_id', name=op.f('uq_slack_installations_enterprise_id'))
    )
    op.create_table('slack_oauth_states',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('expires_at', bot.storage.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_slack_oauth_states'))
    )


def downgrade() -> None:
    op.drop_table('slack_oauth_states')
    op.drop_table('slack_installations')
