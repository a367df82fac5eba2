"""foundation: accounts, users, tokens, settings, usage, survey responses

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('arr', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('renewal_date', sa.Date(), nullable=True),
    sa.Column('customer_since', sa.Date(), nullable=False),
    sa.Column('csm_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('churned_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'churned')", name=op.f('ck_account_status_known')),
    sa.CheckConstraint('arr >= 0', name=op.f('ck_account_arr_not_negative')),
    sa.CheckConstraint('seats >= 0', name=op.f('ck_account_seats_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('external_id', name=op.f('uq_account_external_id'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_csm_id'), ['csm_id'], unique=False)

    op.create_table('key_feature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('maturity_level', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('maturity_level IS NULL OR maturity_level BETWEEN 1 AND 5', name=op.f('ck_key_feature_level_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_feature')),
    sa.UniqueConstraint('feature', name=op.f('uq_key_feature_feature'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role <> 'customer' OR account_id IS NOT NULL", name=op.f('ck_user_customer_has_account')),
    sa.CheckConstraint("role IN ('customer', 'csm', 'admin')", name=op.f('ck_user_role_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_user_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_external_id'), ['external_id'], unique=False)

    # account and user refer to each other: the CSM key is added once both exist.
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_account_csm_id_user'), 'user', ['csm_id'], ['id'], ondelete='SET NULL')

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('engagement_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('portal_visit', 'article_view', 'article_vote', 'survey_answer', 'assessment')", name=op.f('ck_engagement_event_kind_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_engagement_event_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_engagement_event_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_event'))
    )
    with op.batch_alter_table('engagement_event', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_event_account_ts', ['account_id', 'ts'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('respondent', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 10', name=op.f('ck_survey_response_score_range')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_survey_response_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_response_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sa.UniqueConstraint('account_id', 'client_id', name=op.f('uq_survey_response_account_id_client_id'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index('ix_survey_response_account_ts', ['account_id', 'ts'], unique=False)

    op.create_table('usage_account_day',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('active_users', sa.Integer(), nullable=False),
    sa.Column('logins', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('reports_run', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_usage_account_day_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'day', name=op.f('pk_usage_account_day'))
    )
    op.create_table('usage_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('feature', sa.String(length=200), nullable=True),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("type <> 'feature_used' OR feature IS NOT NULL", name=op.f('ck_usage_event_feature_for_feature_used')),
    sa.CheckConstraint("type IN ('login', 'page_view', 'feature_used', 'report_run')", name=op.f('ck_usage_event_type_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_usage_event_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_usage_event_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_event')),
    sa.UniqueConstraint('account_id', 'client_id', name=op.f('uq_usage_event_account_id_client_id'))
    )
    op.create_table('usage_feature_day',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('feature', sa.String(length=200), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_usage_feature_day_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'day', 'feature', name=op.f('pk_usage_feature_day'))
    )
    op.create_table('usage_user_day',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('logins', sa.Integer(), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('feature_events', sa.Integer(), nullable=False),
    sa.Column('reports_run', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_usage_user_day_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_usage_user_day_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'user_id', 'day', name=op.f('pk_usage_user_day'))
    )
    with op.batch_alter_table('usage_user_day', schema=None) as batch_op:
        batch_op.create_index('ix_usage_user_day_account_day', ['account_id', 'day'], unique=False)

    op.create_table('usage_user_feature_day',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('feature', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_usage_user_feature_day_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_usage_user_feature_day_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'user_id', 'feature', 'day', name=op.f('pk_usage_user_feature_day'))
    )
    with op.batch_alter_table('usage_user_feature_day', schema=None) as batch_op:
        batch_op.create_index('ix_usage_user_feature_day_account_day', ['account_id', 'day'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_account_csm_id_user'), type_='foreignkey')
    with op.batch_alter_table('usage_user_feature_day', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_user_feature_day_account_day')

    op.drop_table('usage_user_feature_day')
    with op.batch_alter_table('usage_user_day', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_user_day_account_day')

    op.drop_table('usage_user_day')
    op.drop_table('usage_feature_day')
    op.drop_table('usage_event')
    op.drop_table('usage_account_day')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_response_account_ts')

    op.drop_table('survey_response')
    with op.batch_alter_table('engagement_event', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_event_account_ts')

    op.drop_table('engagement_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_external_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_id'))

    op.drop_table('user')
    op.drop_table('setting')
    op.drop_table('key_feature')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_csm_id'))

    op.drop_table('account')
