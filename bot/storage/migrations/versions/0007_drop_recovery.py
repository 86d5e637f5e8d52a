"""Drop recovery: post and result markers, digest leases, skip reasons, planning watermark

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0007"
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("drops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("post_started_at", bot.storage.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("result_posted_at", bot.storage.types.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("skipped_occurrences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=300), nullable=True))
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("planned_until", bot.storage.types.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.alter_column(
            "posted_at", existing_type=bot.storage.types.UTCDateTime(), nullable=True
        )
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("lease_until", bot.storage.types.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    op.execute("DELETE FROM digests WHERE posted_at IS NULL")
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
        batch_op.alter_column(
            "posted_at", existing_type=bot.storage.types.UTCDateTime(), nullable=False
        )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_column("planned_until")
    with op.batch_alter_table("skipped_occurrences", schema=None) as batch_op:
        batch_op.drop_column("reason")
    with op.batch_alter_table("drops", schema=None) as batch_op:
        batch_op.drop_column("result_posted_at")
        batch_op.drop_column("post_started_at")
