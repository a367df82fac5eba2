"""playbooks: segments, playbooks, episodes, sends, mail unsubscribes and CSM tasks

Revision ID: 0009
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_unsubscribe',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mail_unsubscribe_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_mail_unsubscribe'))
    )
    op.create_table('segment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('rules_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_segment_name_not_empty')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_segment_owner_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment'))
    )
    op.create_index(op.f('ix_segment_owner_id'), 'segment', ['owner_id'], unique=False)
    op.create_table('playbook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('email_subject', sa.String(length=200), nullable=False),
    sa.Column('email_body', sa.Text(), nullable=False),
    sa.Column('task_text', sa.Text(), nullable=False),
    sa.Column('message_text', sa.Text(), nullable=False),
    sa.Column('promoted_feature', sa.String(length=200), nullable=True),
    sa.Column('confirmed_all', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("email_subject = '' OR length(email_body) > 0", name=op.f('ck_playbook_subject_has_body')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_playbook_name_not_empty')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_playbook_owner_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['segment_id'], ['segment.id'], name=op.f('fk_playbook_segment_id_segment'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbook'))
    )
    op.create_index(op.f('ix_playbook_owner_id'), 'playbook', ['owner_id'], unique=False)
    op.create_index(op.f('ix_playbook_segment_id'), 'playbook', ['segment_id'], unique=False)
    op.create_table('playbook_episode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('playbook_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_out', sa.Boolean(), nullable=False),
    sa.Column('band_at_entry', sa.String(length=10), nullable=True),
    sa.Column('task_created', sa.Boolean(), nullable=False),
    sa.CheckConstraint("band_at_entry IS NULL OR band_at_entry IN ('red', 'yellow', 'green')", name=op.f('ck_playbook_episode_band_known')),
    sa.CheckConstraint('left_at IS NULL OR left_at >= entered_at', name=op.f('ck_playbook_episode_left_after_entered')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_playbook_episode_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['playbook_id'], ['playbook.id'], name=op.f('fk_playbook_episode_playbook_id_playbook'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbook_episode'))
    )
    op.create_index('ix_playbook_episode_account', 'playbook_episode', ['account_id'], unique=False)
    op.create_index('ix_playbook_episode_playbook_account', 'playbook_episode', ['playbook_id', 'account_id'], unique=False)
    op.create_table('csm_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('playbook_id', sa.Integer(), nullable=True),
    sa.Column('episode_id', sa.Integer(), nullable=True),
    sa.Column('csm_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_csm_task_text_not_empty')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_csm_task_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['csm_id'], ['user.id'], name=op.f('fk_csm_task_csm_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_csm_task_done_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['episode_id'], ['playbook_episode.id'], name=op.f('fk_csm_task_episode_id_playbook_episode'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['playbook_id'], ['playbook.id'], name=op.f('fk_csm_task_playbook_id_playbook'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csm_task'))
    )
    op.create_index('ix_csm_task_account_done', 'csm_task', ['account_id', 'done_at'], unique=False)
    op.create_index(op.f('ix_csm_task_csm_id'), 'csm_task', ['csm_id'], unique=False)
    op.create_index(op.f('ix_csm_task_playbook_id'), 'csm_task', ['playbook_id'], unique=False)
    op.create_table('playbook_send',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('playbook_id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('held_out', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_playbook_send_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['episode_id'], ['playbook_episode.id'], name=op.f('fk_playbook_send_episode_id_playbook_episode'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['playbook_id'], ['playbook.id'], name=op.f('fk_playbook_send_playbook_id_playbook'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_playbook_send_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbook_send')),
    sa.UniqueConstraint('episode_id', 'user_id', name=op.f('uq_playbook_send_episode_id_user_id'))
    )
    op.create_index('ix_playbook_send_account', 'playbook_send', ['account_id'], unique=False)
    op.create_index('ix_playbook_send_playbook', 'playbook_send', ['playbook_id'], unique=False)


def downgrade() -> None:
    op.drop_table('playbook_send')
    op.drop_table('csm_task')
    op.drop_table('playbook_episode')
    op.drop_table('playbook')
    op.drop_table('segment')
    op.drop_table('mail_unsubscribe')
