"""knowledge base: articles, revisions, categories, tags, votes, views, searches, links; full-text search

Revision ID: 0005
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None

# Full-text search objects, as in models/knowledge.py (frozen here so this migration never changes).
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_article_fts USING fts5(title, tags_text, body_text, "
    "content='kb_article', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER IF NOT EXISTS kb_article_fts_ai AFTER INSERT ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(rowid, title, tags_text, body_text) VALUES (new.id, new.title, new.tags_text, new.body_text); END",
    "CREATE TRIGGER IF NOT EXISTS kb_article_fts_ad AFTER DELETE ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(kb_article_fts, rowid, title, tags_text, body_text) "
    "VALUES ('delete', old.id, old.title, old.tags_text, old.body_text); END",
    "CREATE TRIGGER IF NOT EXISTS kb_article_fts_au AFTER UPDATE OF title, tags_text, body_text ON kb_article BEGIN "
    "INSERT INTO kb_article_fts(kb_article_fts, rowid, title, tags_text, body_text) "
    "VALUES ('delete', old.id, old.title, old.tags_text, old.body_text); "
    "INSERT INTO kb_article_fts(rowid, title, tags_text, body_text) VALUES (new.id, new.title, new.tags_text, new.body_text); END",
)
POSTGRES_SEARCH_DDL = (
    "CREATE OR REPLACE FUNCTION kb_article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.title_vector := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') "
    "|| setweight(to_tsvector('english', coalesce(NEW.tags_text, '')), 'B'); "
    "NEW.search_vector := NEW.title_vector || setweight(to_tsvector('english', coalesce(NEW.body_text, '')), 'C'); "
    "RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS kb_article_search_refresh ON kb_article",
    "CREATE TRIGGER kb_article_search_refresh BEFORE INSERT OR UPDATE OF title, tags_text, body_text ON kb_article "
    "FOR EACH ROW EXECUTE FUNCTION kb_article_search_refresh()",
    "CREATE INDEX IF NOT EXISTS ix_kb_article_search ON kb_article USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS ix_kb_article_search_title ON kb_article USING GIN (title_vector)",
)


def upgrade() -> None:
    op.create_table('kb_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_category')),
    sa.UniqueConstraint('name', name=op.f('uq_kb_category_name'))
    )
    op.create_table('kb_tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_kb_tag_name'))
    )
    op.create_table('kb_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('toc_json', sa.Text(), nullable=False),
    sa.Column('tags_text', sa.String(length=1100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('search_vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.Column('title_vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published', 'archived')", name=op.f('ck_kb_article_status_known')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_kb_article_title_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_kb_article_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['kb_category.id'], name=op.f('fk_kb_article_category_id_kb_category'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article')),
    sa.UniqueConstraint('slug', name=op.f('uq_kb_article_slug'))
    )
    with op.batch_alter_table('kb_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_article_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_kb_article_status_updated', ['status', 'updated_at'], unique=False)

    op.create_table('kb_article_feature',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('key_feature_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_feature_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['key_feature_id'], ['key_feature.id'], name=op.f('fk_kb_article_feature_key_feature_id_key_feature'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'key_feature_id', name=op.f('pk_kb_article_feature'))
    )
    op.create_table('kb_article_level',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_kb_article_level_level_range')),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_level_article_id_kb_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'level', name=op.f('pk_kb_article_level'))
    )
    op.create_table('kb_article_tag',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_tag_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['kb_tag.id'], name=op.f('fk_kb_article_tag_tag_id_kb_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'tag_id', name=op.f('pk_kb_article_tag'))
    )
    op.create_table('kb_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_revision_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_kb_revision_author_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_revision')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_kb_revision_article_id_number'))
    )
    op.create_table('kb_search_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('normalized', sa.String(length=200), nullable=False),
    sa.Column('result_count', sa.Integer(), nullable=False),
    sa.Column('clicked_article_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_kb_search_log_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['clicked_article_id'], ['kb_article.id'], name=op.f('fk_kb_search_log_clicked_article_id_kb_article'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_kb_search_log_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_search_log'))
    )
    with op.batch_alter_table('kb_search_log', schema=None) as batch_op:
        batch_op.create_index('ix_kb_search_log_ts', ['ts'], unique=False)

    op.create_table('kb_slug_redirect',
    sa.Column('old_slug', sa.String(length=120), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_slug_redirect_article_id_kb_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('old_slug', name=op.f('pk_kb_slug_redirect'))
    )
    with op.batch_alter_table('kb_slug_redirect', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_slug_redirect_article_id'), ['article_id'], unique=False)

    op.create_table('kb_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_kb_view_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_view_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_kb_view_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_view'))
    )
    with op.batch_alter_table('kb_view', schema=None) as batch_op:
        batch_op.create_index('ix_kb_view_account_ts', ['account_id', 'ts'], unique=False)
        batch_op.create_index('ix_kb_view_article_ts', ['article_id', 'ts'], unique=False)

    op.create_table('kb_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_kb_vote_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_vote_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_kb_vote_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_vote')),
    sa.UniqueConstraint('article_id', 'user_id', name=op.f('uq_kb_vote_article_id_user_id'))
    )
    with op.batch_alter_table('kb_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kb_vote_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kb_vote_article_id'), ['article_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH_DDL if dialect == "sqlite" else POSTGRES_SEARCH_DDL if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS kb_article_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS kb_article_search_refresh ON kb_article")
        op.execute("DROP FUNCTION IF EXISTS kb_article_search_refresh()")
    for table in ("kb_vote", "kb_view", "kb_slug_redirect", "kb_search_log", "kb_revision", "kb_article_tag",
                  "kb_article_level", "kb_article_feature", "kb_article", "kb_tag", "kb_category"):
        op.drop_table(table)
