"""maturity: model versions, levels, dimensions, behaviours, questions, options; assessment rounds, responses, answers, results

Revision ID: 0006
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('maturity_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('version >= 1', name=op.f('ck_maturity_model_version_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_maturity_model_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_model')),
    sa.UniqueConstraint('version', name=op.f('uq_maturity_model_version'))
    )
    op.create_table('assessment_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=True),
    sa.Column('overall_level', sa.Integer(), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('drop_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('overall_level IS NULL OR overall_level BETWEEN 1 AND 9', name=op.f('ck_assessment_round_overall_range')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_assessment_round_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['model_id'], ['maturity_model.id'], name=op.f('fk_assessment_round_model_id_maturity_model'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_round'))
    )
    op.create_index('ix_assessment_round_account_taken', 'assessment_round', ['account_id', 'taken_on'], unique=False)
    op.create_index(op.f('ix_assessment_round_model_id'), 'assessment_round', ['model_id'], unique=False)
    op.create_table('maturity_dimension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['maturity_model.id'], name=op.f('fk_maturity_dimension_model_id_maturity_model'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_dimension')),
    sa.UniqueConstraint('model_id', 'name', name=op.f('uq_maturity_dimension_model_id_name'))
    )
    op.create_table('maturity_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.CheckConstraint('number BETWEEN 1 AND 9', name=op.f('ck_maturity_level_number_range')),
    sa.ForeignKeyConstraint(['model_id'], ['maturity_model.id'], name=op.f('fk_maturity_level_model_id_maturity_model'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_level')),
    sa.UniqueConstraint('model_id', 'number', name=op.f('uq_maturity_level_model_id_number'))
    )
    op.create_table('assessment_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'submitted' OR submitted_at IS NOT NULL", name=op.f('ck_assessment_response_submitted_has_time')),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_assessment_response_status_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_assessment_response_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_round.id'], name=op.f('fk_assessment_response_round_id_assessment_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assessment_response_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_response')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_assessment_response_round_id_user_id'))
    )
    op.create_index(op.f('ix_assessment_response_account_id'), 'assessment_response', ['account_id'], unique=False)
    op.create_index(op.f('ix_assessment_response_round_id'), 'assessment_response', ['round_id'], unique=False)
    op.create_table('assessment_round_level',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('dimension_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Double(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 9', name=op.f('ck_assessment_round_level_level_range')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_assessment_round_level_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dimension_id'], ['maturity_dimension.id'], name=op.f('fk_assessment_round_level_dimension_id_maturity_dimension'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_round.id'], name=op.f('fk_assessment_round_level_round_id_assessment_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'dimension_id', name=op.f('pk_assessment_round_level'))
    )
    op.create_index(op.f('ix_assessment_round_level_account_id'), 'assessment_round_level', ['account_id'], unique=False)
    op.create_table('maturity_behaviour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dimension_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('key_feature_id', sa.Integer(), nullable=True),
    sa.Column('article_slug', sa.String(length=200), nullable=True),
    sa.CheckConstraint('level BETWEEN 1 AND 9', name=op.f('ck_maturity_behaviour_level_range')),
    sa.ForeignKeyConstraint(['dimension_id'], ['maturity_dimension.id'], name=op.f('fk_maturity_behaviour_dimension_id_maturity_dimension'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['key_feature_id'], ['key_feature.id'], name=op.f('fk_maturity_behaviour_key_feature_id_key_feature'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_behaviour'))
    )
    op.create_index('ix_maturity_behaviour_dimension_level', 'maturity_behaviour', ['dimension_id', 'level'], unique=False)
    op.create_index(op.f('ix_maturity_behaviour_key_feature_id'), 'maturity_behaviour', ['key_feature_id'], unique=False)
    op.create_table('maturity_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dimension_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['dimension_id'], ['maturity_dimension.id'], name=op.f('fk_maturity_question_dimension_id_maturity_dimension'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_question'))
    )
    op.create_index(op.f('ix_maturity_question_dimension_id'), 'maturity_question', ['dimension_id'], unique=False)
    op.create_table('maturity_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 9', name=op.f('ck_maturity_option_level_range')),
    sa.ForeignKeyConstraint(['question_id'], ['maturity_question.id'], name=op.f('fk_maturity_option_question_id_maturity_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maturity_option'))
    )
    op.create_index(op.f('ix_maturity_option_question_id'), 'maturity_option', ['question_id'], unique=False)
    op.create_table('assessment_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 9', name=op.f('ck_assessment_answer_level_range')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_assessment_answer_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['maturity_option.id'], name=op.f('fk_assessment_answer_option_id_maturity_option'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['question_id'], ['maturity_question.id'], name=op.f('fk_assessment_answer_question_id_maturity_question'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['response_id'], ['assessment_response.id'], name=op.f('fk_assessment_answer_response_id_assessment_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_assessment_answer_response_id_question_id'))
    )
    op.create_index(op.f('ix_assessment_answer_account_id'), 'assessment_answer', ['account_id'], unique=False)
    op.create_index(op.f('ix_assessment_answer_question_id'), 'assessment_answer', ['question_id'], unique=False)


def downgrade() -> None:
    op.drop_table('assessment_answer')
    op.drop_table('maturity_option')
    op.drop_table('maturity_question')
    op.drop_table('maturity_behaviour')
    op.drop_table('assessment_round_level')
    op.drop_table('assessment_response')
    op.drop_table('maturity_level')
    op.drop_table('maturity_dimension')
    op.drop_table('assessment_round')
    op.drop_table('maturity_model')
