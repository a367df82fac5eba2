"""success plan: metrics, readings, comments

Revision ID: 0003
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_metric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('usage_measure', sa.String(length=40), nullable=True),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=False),
    sa.Column('baseline_date', sa.Date(), nullable=False),
    sa.Column('target_value', sa.Float(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('usage', 'reported')", name=op.f('ck_plan_metric_source_known')),
    sa.CheckConstraint(
        "(source = 'usage' AND usage_measure IN "
        "('weekly_active_users', 'reports_run_per_week', 'logins_per_week', 'seat_utilisation_pct')) "
        "OR (source = 'reported' AND usage_measure IS NULL)",
        name=op.f('ck_plan_metric_measure_matches_source')),
    sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f('ck_plan_metric_direction_known')),
    sa.CheckConstraint('target_value <> baseline_value', name=op.f('ck_plan_metric_target_differs_from_baseline')),
    sa.CheckConstraint(
        "(direction = 'higher' AND target_value > baseline_value) "
        "OR (direction = 'lower' AND target_value < baseline_value)",
        name=op.f('ck_plan_metric_target_in_direction')),
    sa.CheckConstraint('target_date > baseline_date', name=op.f('ck_plan_metric_target_after_baseline')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_plan_metric_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_plan_metric_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_metric'))
    )
    with op.batch_alter_table('plan_metric', schema=None) as batch_op:
        batch_op.create_index('ix_plan_metric_account_id', ['account_id'], unique=False)

    op.create_table('plan_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_plan_reading_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_plan_reading_entered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['metric_id'], ['plan_metric.id'], name=op.f('fk_plan_reading_metric_id_plan_metric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_reading')),
    sa.UniqueConstraint('metric_id', 'day', name=op.f('uq_plan_reading_metric_id_day'))
    )
    with op.batch_alter_table('plan_reading', schema=None) as batch_op:
        batch_op.create_index('ix_plan_reading_account_id', ['account_id'], unique=False)

    op.create_table('plan_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('metric_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_plan_comment_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_plan_comment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['metric_id'], ['plan_metric.id'], name=op.f('fk_plan_comment_metric_id_plan_metric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_comment'))
    )
    with op.batch_alter_table('plan_comment', schema=None) as batch_op:
        batch_op.create_index('ix_plan_comment_account_id', ['account_id'], unique=False)
        batch_op.create_index('ix_plan_comment_metric_id', ['metric_id'], unique=False)


def downgrade() -> None:
    op.drop_table('plan_comment')
    op.drop_table('plan_reading')
    op.drop_table('plan_metric')
