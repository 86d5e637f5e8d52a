"""Points and accuracy count at the reveal: drops.scored_at marks a drop whose answers are scored

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:30:00.000000

Until now an answer added its points and correctness to member_stats at once. Every drop that
already has answers was scored that way, so it is marked scored here (an answer still arriving to
a drop that is open during the upgrade is then scored at once, as before). Pending and failed
drops have no answers yet and are left unscored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('drops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scored_at', bot.storage.types.UTCDateTime(), nullable=True))
    drops = sa.table(
        'drops',
        sa.column('status', sa.String()),
        sa.column('opened_at', bot.storage.types.UTCDateTime()),
        sa.column('scored_at', bot.storage.types.UTCDateTime()),
    )
    op.execute(
        drops.update()
        .where(drops.c.status.in_(('open', 'closed', 'revealed')))
        .values(scored_at=drops.c.opened_at)
    )


def downgrade() -> None:
    with op.batch_alter_table('drops', schema=None) as batch_op:
        batch_op.drop_column('scored_at')
