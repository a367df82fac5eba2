"""Imported knowledge articles keep their source id, so a second import updates them.

Revision ID: 0013_imports
Revises: 0012_event_partitions
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_imports"
down_revision = "0012_event_partitions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add kb_article.source_ref with a unique index (NULL for articles written in the portal)."""
    op.add_column("kb_article", sa.Column("source_ref", sa.String(length=120), nullable=True))
    op.create_index("ux_kb_article_source_ref", "kb_article", ["source_ref"], unique=True)


def downgrade() -> None:
    """Drop the source id of imported articles."""
    op.drop_index("ux_kb_article_source_ref", table_name="kb_article")
    with op.batch_alter_table("kb_article") as batch:
        batch.drop_column("source_ref")
