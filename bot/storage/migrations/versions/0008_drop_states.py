"""Drop states: the database accepts only the states of bot/drop_life/states.py

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("pending", "open", "closed", "revealed", "failed", "skipped")  # as of this revision


def upgrade() -> None:
    listed = ", ".join(f"'{state}'" for state in STATES)
    with op.batch_alter_table("drops", schema=None) as batch_op:
        batch_op.create_check_constraint("ck_drops_status", f"status IN ({listed})")


def downgrade() -> None:
    op.execute("UPDATE drops SET status = 'failed' WHERE status = 'skipped'")
    with op.batch_alter_table("drops", schema=None) as batch_op:
        batch_op.drop_constraint("ck_drops_status", type_="check")
