"""Search indexes without a pending list.

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_SEARCH_INDEXES = ("ix_kb_article_search", "ix_kb_article_search_title")


def upgrade() -> None:
    """Turn off fastupdate on the article search indexes and merge what is pending."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _SEARCH_INDEXES:
        # Every search reads the whole pending list until a vacuum merges it; articles are written rarely.
        op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade() -> None:
    """Back to the default fastupdate."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _SEARCH_INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (fastupdate)")
