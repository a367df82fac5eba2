"""dashboard rollups: account.usage_today_at, moved by batches of today's events instead of data_changed_at

Revision ID: 0020_dashboard_rollups
Revises: 0019_distribution
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_dashboard_rollups"
down_revision = "0019_distribution"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add account.usage_today_at (nullable: no batch of today's events yet)."""
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("usage_today_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop account.usage_today_at."""
    with op.batch_alter_table("account") as batch:
        batch.drop_column("usage_today_at")
