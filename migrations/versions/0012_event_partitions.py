"""Raw events partitioned by month on PostgreSQL; client ids kept apart in usage_event_key.

Revision ID: 0012_event_partitions
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_event_partitions"
down_revision = "0011"
branch_labels = None
depends_on = None

_COLUMNS = "account_id, client_id, user_id, type, feature, ts, received_at"


def _new_event_table(postgres: bool) -> None:
    op.create_table(
        "usage_event",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("feature", sa.String(200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("type IN ('login', 'page_view', 'feature_used', 'report_run')",
                           name=op.f("ck_usage_event_type_known")),
        sa.CheckConstraint("type <> 'feature_used' OR feature IS NOT NULL",
                           name=op.f("ck_usage_event_feature_for_feature_used")),
        sa.PrimaryKeyConstraint("account_id", "client_id", "ts", name=op.f("pk_usage_event")),
        **({"postgresql_partition_by": "RANGE (ts)"} if postgres else {}),
    )


def upgrade() -> None:
    """Move the raw events into the new table (one partition a month on PostgreSQL) and index their ids apart."""
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "usage_event_key",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "client_id", name=op.f("pk_usage_event_key")),
    )
    op.execute("INSERT INTO usage_event_key (account_id, client_id) SELECT account_id, client_id FROM usage_event")
    op.rename_table("usage_event", "usage_event_old")
    if postgres:
        # The old table's constraint names would clash with the new table's.
        op.execute("ALTER TABLE usage_event_old RENAME CONSTRAINT pk_usage_event TO pk_usage_event_old")
        op.execute("ALTER TABLE usage_event_old RENAME CONSTRAINT ck_usage_event_type_known TO ck_usage_event_old_type_known")
        op.execute("ALTER TABLE usage_event_old RENAME CONSTRAINT ck_usage_event_feature_for_feature_used "
                   "TO ck_usage_event_old_feature_for_feature_used")
    _new_event_table(postgres)
    if postgres:
        op.execute("""
            DO $$
            DECLARE month date;
            BEGIN
              FOR month IN SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC')::date FROM usage_event_old LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF usage_event FOR VALUES FROM (%L) TO (%L)',
                               'usage_event_' || to_char(month, 'YYYYMM'),
                               month::text || ' 00:00:00+00', (month + interval '1 month')::date::text || ' 00:00:00+00');
              END LOOP;
            END $$""")
    op.execute(f"INSERT INTO usage_event ({_COLUMNS}) SELECT {_COLUMNS} FROM usage_event_old")
    op.drop_table("usage_event_old")


def downgrade() -> None:
    """Back to one table with a surrogate key and the unique client id per account."""
    postgres = op.get_bind().dialect.name == "postgresql"
    op.rename_table("usage_event", "usage_event_new")
    if postgres:
        op.execute("ALTER TABLE usage_event_new RENAME CONSTRAINT pk_usage_event TO pk_usage_event_new")
    op.create_table(
        "usage_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("feature", sa.String(200), nullable=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "client_id", name=op.f("uq_usage_event_account_id")),
    )
    op.execute(f"INSERT INTO usage_event ({_COLUMNS}) SELECT {_COLUMNS} FROM usage_event_new")
    op.drop_table("usage_event_new")
    op.drop_table("usage_event_key")
