"""usage: a knowledge article that helps adopt each key feature

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('key_feature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article_slug', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('key_feature', schema=None) as batch_op:
        batch_op.drop_column('article_slug')
