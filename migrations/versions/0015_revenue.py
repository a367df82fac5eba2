"""revenue: ARR history (backfilled with each account's current ARR from its customer-since day) and forecast models

Revision ID: 0015_revenue
Revises: 0014_integrations
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_revenue"
down_revision = "0014_integrations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create arr_change and forecast_model; every existing account gets its current ARR from its customer-since day."""
    op.create_table(
        "arr_change",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("arr", sa.Numeric(14, 2), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("arr >= 0", name=op.f("ck_arr_change_arr_not_negative")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_arr_change_account_id_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "effective_on", name=op.f("pk_arr_change")),
    )
    op.create_table(
        "forecast_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("model_json", sa.Text(), nullable=False),
        sa.Column("backtest_json", sa.Text(), nullable=False),
        sa.Column("risks_json", sa.Text(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('logistic', 'markov', 'none')", name=op.f("ck_forecast_model_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_model")),
    )
    op.execute("INSERT INTO arr_change (account_id, effective_on, arr, recorded_at) "
               "SELECT id, customer_since, arr, CURRENT_TIMESTAMP FROM account")


def downgrade() -> None:
    """Drop the ARR history and the forecast models."""
    op.drop_table("forecast_model")
    op.drop_table("arr_change")
