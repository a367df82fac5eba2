"""integrations: the Segment-compatible source (mappings, groups, parked messages, debugger log) and webhooks

Revision ID: 0014_integrations
Revises: 0013_imports
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_integrations"
down_revision = "0013_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the Segment source's tables and the webhook endpoints and messages."""
    op.create_table('segment_source_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('call', sa.String(length=20), nullable=False),
    sa.Column('event', sa.String(length=200), nullable=False),
    sa.Column('user_key', sa.String(length=200), nullable=False),
    sa.Column('account_external_id', sa.String(length=100), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('mapped_as', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('stored', 'duplicate', 'parked', 'placed', 'updated', 'skipped')", name=op.f('ck_segment_source_log_outcome_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_source_log'))
    )
    op.create_table('segment_source_mapping',
    sa.Column('event_name', sa.String(length=200), nullable=False),
    sa.Column('feature', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_name', name=op.f('pk_segment_source_mapping'))
    )
    op.create_table('segment_source_parked',
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('user_key', sa.String(length=200), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_segment_source_parked'))
    )
    with op.batch_alter_table('segment_source_parked', schema=None) as batch_op:
        batch_op.create_index('ix_segment_source_parked_user_key', ['user_key'], unique=False)

    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('event_types', sa.Text(), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('disabled_reason', sa.Text(), nullable=False),
    sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint'))
    )
    op.create_table('segment_source_group',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_key', sa.String(length=200), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_segment_source_group_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'user_key', name=op.f('pk_segment_source_group'))
    )
    with op.batch_alter_table('segment_source_group', schema=None) as batch_op:
        batch_op.create_index('ix_segment_source_group_user_key', ['user_key'], unique=False)

    op.create_table('webhook_message',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.String(length=64), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=50), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'delivered', 'failed')", name=op.f('ck_webhook_message_status_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_webhook_message_attempts_not_negative')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_webhook_message_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'], name=op.f('fk_webhook_message_endpoint_id_webhook_endpoint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'webhook_id', name=op.f('pk_webhook_message'))
    )
    with op.batch_alter_table('webhook_message', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_message_endpoint_created', ['endpoint_id', 'created_at'], unique=False)
        batch_op.create_index('ix_webhook_message_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_webhook_message_webhook_id', ['webhook_id'], unique=False)


def downgrade() -> None:
    """Drop them (their indexes go with them)."""
    op.drop_table('webhook_message')
    op.drop_table('segment_source_group')
    op.drop_table('webhook_endpoint')
    op.drop_table('segment_source_parked')
    op.drop_table('segment_source_mapping')
    op.drop_table('segment_source_log')
