"""Search indexes without a pending list; raw usage events without foreign keys.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_SEARCH_INDEXES = ("ix_kb_article_search", "ix_kb_article_search_title")
_EVENT_FOREIGN_KEYS = (("fk_usage_event_account_id_account", "account_id", "account"),
                       ("fk_usage_event_user_id_user", "user_id", "user"))


def upgrade() -> None:
    """Turn off fastupdate on the article search indexes; drop the foreign keys of usage_event."""
    # Ingestion resolves the account and creates the users in the same transaction before it inserts;
    # checking both keys again for every row cost about a third of a 10,000-event batch.
    with op.batch_alter_table("usage_event") as batch:
        for name, _column, _table in _EVENT_FOREIGN_KEYS:
            batch.drop_constraint(name, type_="foreignkey")
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _SEARCH_INDEXES:
        # Every search reads the whole pending list until a vacuum merges it; articles are written rarely.
        op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        op.execute(sa.text("SELECT gin_clean_pending_list(CAST(:name AS regclass))").bindparams(name=name))


def downgrade() -> None:
    """Back to the default fastupdate and the foreign keys (events of missing users or accounts are removed)."""
    op.execute('DELETE FROM usage_event WHERE account_id NOT IN (SELECT id FROM account) '
               'OR user_id NOT IN (SELECT id FROM "user")')
    with op.batch_alter_table("usage_event") as batch:
        for name, column, table in _EVENT_FOREIGN_KEYS:
            batch.create_foreign_key(name, table, [column], ["id"], ondelete="CASCADE")
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _SEARCH_INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (fastupdate)")
