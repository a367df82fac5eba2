"""distinct users: per-user span rollups (one bit a day per person) and account-week distinct users, backfilled
from the per-user day rollups

Revision ID: 0024_distinct_users
Revises: 0023_ingest_keys
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_distinct_users"
down_revision = "0023_ingest_keys"
branch_labels = None
depends_on = None

_WORDS = tuple(f"d{k}" for k in range(6))  # six 63-day words: a span of 378 days from 0001-01-01 (a Monday)


def _span_table(name: str, with_feature: bool) -> None:
    op.create_table(
        name,
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("span", sa.Integer(), autoincrement=False, nullable=False),
        *([sa.Column("feature", sa.String(200), nullable=False)] if with_feature else []),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *[sa.Column(word, sa.BigInteger(), nullable=False) for word in _WORDS],
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f(f"fk_{name}_account_id_account"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f(f"fk_{name}_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "span", *(["feature"] if with_feature else []), "user_id",
                                name=op.f(f"pk_{name}")),
    )


def _backfill(table: str, key: str, source: str, postgres: bool) -> None:
    """The span rows of every user-day (or user-feature-day) kept in the per-user rollups, pruned months included.

    The bits of one key's distinct days are summed, which is their OR (as analytics/usage/rollups.py does).
    """
    number = "(day - DATE '0001-01-01')" if postgres else "CAST(julianday(day) - 1721425.5 AS INTEGER)"
    others = [column for column in key.split(", ") if column != "span"]
    words = ", ".join(f"CASE WHEN n % 378 / 63 = {k} THEN CAST(1 AS BIGINT) << (n % 63) ELSE 0 END AS w{k}"
                      for k in range(len(_WORDS)))
    sums = ", ".join(f"CAST(SUM(w{k}) AS BIGINT)" for k in range(len(_WORDS)))
    op.execute(f"INSERT INTO {table} ({key}, {', '.join(_WORDS)}) "
               f"SELECT {key}, {sums} FROM (SELECT {', '.join(others)}, n / 378 AS span, {words} "
               f"FROM (SELECT {', '.join(others)}, {number} AS n FROM {source}) numbered) bits "
               f"GROUP BY {key}")


def upgrade() -> None:
    """Create the span rollups and usage_account_week and fill them from usage_user_day and usage_user_feature_day."""
    postgres = op.get_bind().dialect.name == "postgresql"
    _span_table("usage_user_span", with_feature=False)
    _span_table("usage_user_feature_span", with_feature=True)
    op.create_table(
        "usage_account_week",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("active_users", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_usage_account_week_account_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "week_start", name=op.f("pk_usage_account_week")),
    )
    _backfill("usage_user_span", "account_id, span, user_id", "usage_user_day", postgres)
    _backfill("usage_user_feature_span", "account_id, span, feature, user_id", "usage_user_feature_day", postgres)
    # Distinct users per account and Monday-to-Sunday week (0001-01-01 is a Monday).
    monday = "day - n % 7" if postgres else "date(day, '-' || (n % 7) || ' days')"
    number = "(day - DATE '0001-01-01')" if postgres else "CAST(julianday(day) - 1721425.5 AS INTEGER)"
    op.execute(f"INSERT INTO usage_account_week (account_id, week_start, active_users) "
               f"SELECT account_id, week_start, COUNT(DISTINCT user_id) FROM (SELECT account_id, user_id, {monday} AS week_start "
               f"FROM (SELECT account_id, user_id, day, {number} AS n FROM usage_user_day) numbered) weeks "
               f"GROUP BY account_id, week_start")


def downgrade() -> None:
    """Drop the span rollups and the account weeks."""
    op.drop_table("usage_account_week")
    op.drop_table("usage_user_feature_span")
    op.drop_table("usage_user_span")
