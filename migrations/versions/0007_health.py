"""health: health history, warnings, share links and their visits

Revision ID: 0007
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('health_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('components_json', sa.Text(), nullable=False),
    sa.Column('arr', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("band IN ('red', 'yellow', 'green')", name=op.f('ck_health_score_band_known')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_health_score_score_range')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_health_score_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_score')),
    sa.UniqueConstraint('account_id', 'as_of', name=op.f('uq_health_score_account_id_as_of'))
    )
    with op.batch_alter_table('health_score', schema=None) as batch_op:
        batch_op.create_index('ix_health_score_as_of', ['as_of'], unique=False)

    op.create_table('health_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('episode_key', sa.String(length=100), nullable=False),
    sa.Column('figures_json', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('usage_drop', 'low_utilisation', 'detractor', 'no_login', 'band_drop', 'maturity_drop')", name=op.f('ck_health_warning_kind_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_health_warning_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['user.id'], name=op.f('fk_health_warning_acknowledged_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_health_warning_resolved_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_warning')),
    sa.UniqueConstraint('account_id', 'kind', 'episode_key', name=op.f('uq_health_warning_account_id_kind_episode_key'))
    )
    with op.batch_alter_table('health_warning', schema=None) as batch_op:
        batch_op.create_index('ix_health_warning_account_kind', ['account_id', 'kind'], unique=False)

    op.create_table('share_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_share_link_expires_after_creation')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_share_link_period_ordered')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_share_link_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_share_link_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_share_link_token_hash'))
    )
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.create_index('ix_share_link_account_created', ['account_id', 'created_at'], unique=False)

    op.create_table('share_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip_hash', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_share_visit_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['link_id'], ['share_link.id'], name=op.f('fk_share_visit_link_id_share_link'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_visit'))
    )
    with op.batch_alter_table('share_visit', schema=None) as batch_op:
        batch_op.create_index('ix_share_visit_link_ts', ['link_id', 'ts'], unique=False)


def downgrade() -> None:
    op.drop_table('share_visit')
    op.drop_table('share_link')
    op.drop_table('health_warning')
    op.drop_table('health_score')
