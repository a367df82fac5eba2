"""Mail headers kept with each outbox message; article search indexes every word of the visible text.

Revision ID: 0016_brand_mail
Revises: 0015_revenue
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_brand_mail"
down_revision = "0015_revenue"
branch_labels = None
depends_on = None

# As models/knowledge.py SEARCH_REFRESH_FUNCTION, frozen here: "< " is no tag to PostgreSQL's parser.
SEARCH_REFRESH_FUNCTION = (
    "CREATE OR REPLACE FUNCTION kb_article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.title_vector := setweight(to_tsvector('english', replace(coalesce(NEW.title, ''), '<', '< ')), 'A') "
    "|| setweight(to_tsvector('english', replace(coalesce(NEW.tags_text, ''), '<', '< ')), 'B'); "
    "NEW.search_vector := NEW.title_vector "
    "|| setweight(to_tsvector('english', replace(coalesce(NEW.body_text, ''), '<', '< ')), 'C'); "
    "RETURN NEW; END $$"
)
_OLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION kb_article_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.title_vector := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') "
    "|| setweight(to_tsvector('english', coalesce(NEW.tags_text, '')), 'B'); "
    "NEW.search_vector := NEW.title_vector || setweight(to_tsvector('english', coalesce(NEW.body_text, '')), 'C'); "
    "RETURN NEW; END $$"
)


def upgrade() -> None:
    """Add outbox_message.headers_json; link imported answers to their people; rebuild the article search vectors."""
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("headers_json", sa.Text(), nullable=False, server_default="{}"))
    # Answers imported before the API matched respondents: link them to the account's person of that e-mail.
    op.execute(
        'UPDATE survey_response SET user_id = (SELECT MIN(u.id) FROM "user" u WHERE u.role = \'customer\' '
        "AND u.account_id = survey_response.account_id AND lower(u.email) = lower(survey_response.respondent)) "
        "WHERE user_id IS NULL")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SEARCH_REFRESH_FUNCTION)
        op.execute("UPDATE kb_article SET body_text = body_text")  # the trigger recomputes every vector


def downgrade() -> None:
    """Drop the headers column; restore the previous search function."""
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("headers_json")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_OLD_FUNCTION)
        op.execute("UPDATE kb_article SET body_text = body_text")
