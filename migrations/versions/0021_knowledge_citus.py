"""knowledge on Citus: generated search vectors instead of a trigger; staff searches apart; staff votes go

Blocker 3: Citus refuses triggers on reference tables, so kb_article's tsvector columns become
GENERATED ALWAYS AS (...) STORED (PostgreSQL; the same weights and text as the trigger had), rebuilt
from every row here. Blocker 6: kb_search_log and kb_vote are distributed by account_id, so it becomes
NOT NULL. Staff searches (account_id NULL) move to the new coordinator table kb_staff_search, ids kept;
staff votes are deleted: only customers answer "was this helpful?" from now on.

Revision ID: 0021_knowledge_citus
Revises: 0020_dashboard_rollups
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_knowledge_citus"
down_revision = "0020_dashboard_rollups"
branch_labels = None
depends_on = None

_SEARCH_COLUMNS = "id, query, normalized, result_count, clicked_article_id, user_id, source, ts"


def _weighted(column: str, weight: str) -> str:
    # As the trigger kb_article_search_refresh did it since 0016: "< " is no tag to PostgreSQL's parser.
    return f"setweight(to_tsvector('english'::regconfig, replace(coalesce({column}, ''), '<', '< ')), '{weight}')"


_TITLE_VECTOR = f"{_weighted('title', 'A')} || {_weighted('tags_text', 'B')}"
_SEARCH_VECTOR = f"{_TITLE_VECTOR} || {_weighted('body_text', 'C')}"
_INDEXES = (("ix_kb_article_search", "search_vector"), ("ix_kb_article_search_title", "title_vector"))
# The trigger as 0016 left it, for the downgrade.
_REFRESH_FUNCTION = (
    "CREATE OR REPLACE FUNCTION kb_article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.title_vector := setweight(to_tsvector('english', replace(coalesce(NEW.title, ''), '<', '< ')), 'A') "
    "|| setweight(to_tsvector('english', replace(coalesce(NEW.tags_text, ''), '<', '< ')), 'B'); "
    "NEW.search_vector := NEW.title_vector "
    "|| setweight(to_tsvector('english', replace(coalesce(NEW.body_text, ''), '<', '< ')), 'C'); "
    "RETURN NEW; END $$"
)


def _create_indexes() -> None:
    for name, column in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON kb_article USING GIN ({column}) WITH (fastupdate = off)")


def upgrade() -> None:
    """kb_staff_search with the staff searches; account_id NOT NULL; generated search vectors (PostgreSQL)."""
    op.create_table(
        "kb_staff_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("normalized", sa.String(length=200), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.Column("clicked_article_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clicked_article_id"], ["kb_article.id"],
                                name=op.f("fk_kb_staff_search_clicked_article_id_kb_article"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_kb_staff_search_user_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_staff_search")),
    )
    op.create_index("ix_kb_staff_search_ts", "kb_staff_search", ["ts"], unique=False)
    op.execute(f"INSERT INTO kb_staff_search ({_SEARCH_COLUMNS}) "
               f"SELECT {_SEARCH_COLUMNS} FROM kb_search_log WHERE account_id IS NULL ORDER BY id")
    op.execute("DELETE FROM kb_search_log WHERE account_id IS NULL")
    op.execute("DELETE FROM kb_vote WHERE account_id IS NULL")
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("SELECT setval(pg_get_serial_sequence('kb_staff_search', 'id'), "
                   "coalesce((SELECT max(id) FROM kb_staff_search), 0) + 1, false)")
    for table in ("kb_search_log", "kb_vote"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("account_id", existing_type=sa.Integer(), nullable=False)
    if not postgres:
        return  # SQLite searches with its FTS5 table; the two vector columns stay plain and empty there
    op.execute("DROP TRIGGER IF EXISTS kb_article_search_refresh ON kb_article")
    op.execute("DROP FUNCTION IF EXISTS kb_article_search_refresh()")
    for name, _column in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # A column cannot become generated in place: drop and add, which computes every row's vectors.
    op.execute("ALTER TABLE kb_article DROP COLUMN search_vector, DROP COLUMN title_vector")
    op.execute(f"ALTER TABLE kb_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_SEARCH_VECTOR}) STORED, "
               f"ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ({_TITLE_VECTOR}) STORED")
    _create_indexes()


def downgrade() -> None:
    """Staff searches back into kb_search_log (account_id NULL again); the trigger again. Deleted staff votes stay gone."""
    for table in ("kb_search_log", "kb_vote"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("account_id", existing_type=sa.Integer(), nullable=True)
    # New ids: staff searches logged since the upgrade were numbered apart and may clash with customers' ids.
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:  # past every id in the table, whoever chose it
        op.execute("SELECT setval(pg_get_serial_sequence('kb_search_log', 'id'), "
                   "coalesce((SELECT max(id) FROM kb_search_log), 0) + 1, false)")
    columns = _SEARCH_COLUMNS.removeprefix("id, ")
    op.execute(f"INSERT INTO kb_search_log ({columns}, account_id) SELECT {columns}, NULL FROM kb_staff_search ORDER BY id")
    op.drop_index("ix_kb_staff_search_ts", table_name="kb_staff_search")
    op.drop_table("kb_staff_search")
    if not postgres:
        return
    for name, _column in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("ALTER TABLE kb_article DROP COLUMN search_vector, DROP COLUMN title_vector")
    op.execute("ALTER TABLE kb_article ADD COLUMN search_vector tsvector, ADD COLUMN title_vector tsvector")
    op.execute(_REFRESH_FUNCTION)
    op.execute("CREATE TRIGGER kb_article_search_refresh BEFORE INSERT OR UPDATE OF title, tags_text, body_text "
               "ON kb_article FOR EACH ROW EXECUTE FUNCTION kb_article_search_refresh()")
    op.execute("UPDATE kb_article SET title = title")  # fires the trigger: every row's vectors again
    _create_indexes()
