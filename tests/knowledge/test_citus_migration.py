"""Migration 0021 on a database with rows: staff searches move apart, reports keep their figures, search works."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from knowledge import analytics, services
from knowledge.search import search
from models.accounts import User
from models.db import Session, dispose_engine, make_engine
from portal import create_app
from portal.cli.database import alembic_config, upgrade
from tests.conftest import empty_database_url

BEFORE = "0020_dashboard_rollups"
NOW = "CURRENT_TIMESTAMP"
# (id, query, result_count, clicked article, user, account) at 0020: customers, staff, and nobody known.
SEARCHES = (
    (1, "sso setup", 0, None, 4, 1),
    (2, "sso setup", 0, None, None, 1),  # a customer since deleted: the account stays
    (3, "gantt", 0, None, None, None),  # nobody known: counted as a gap, as before
    (4, "roadmap secrets", 0, None, 2, None),  # the CSM's: no gap
    (5, "roadmap secrets", 0, None, 3, None),  # the admin's: no gap
    (6, "weekly report", 1, 1, 4, 1),
    (7, "weekly report", 1, None, 4, 1),
    (8, "weekly report", 1, None, 2, None),  # the CSM's unclicked search: not counted
    (9, "gantt", 0, None, 3, None),
)
# The reports' queries as they read kb_search_log alone before 0021 (the "not staff" rule inlined).
OLD_NOT_STAFF = "(user_id IS NULL OR account_id IS NOT NULL)"
OLD_FAILED = ("SELECT normalized, count(id) FROM kb_search_log WHERE result_count = 0 AND normalized <> '' "
              f"AND {OLD_NOT_STAFF} GROUP BY normalized ORDER BY count(id) DESC, normalized")
OLD_UNCLICKED = ("SELECT normalized, sum(CASE WHEN clicked_article_id IS NULL THEN 1 ELSE 0 END), count(id) "
                 f"FROM kb_search_log WHERE result_count > 0 AND source = 'web' AND {OLD_NOT_STAFF} "
                 "GROUP BY normalized HAVING sum(CASE WHEN clicked_article_id IS NULL THEN 1 ELSE 0 END) > 0 "
                 "ORDER BY 2 DESC, normalized")
OLD_TOTALS = "SELECT count(*), sum(CASE WHEN result_count = 0 THEN 1 ELSE 0 END) FROM kb_search_log"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before(request, tmp_path):
    """A database at 0020 with an account, a customer, a CSM, an admin, an article, searches and votes."""
    url = empty_database_url(request.param, tmp_path, "kbcitus")
    upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as connection:
        for user_id, role in ((2, "csm"), (3, "admin")):
            connection.execute(text(
                'INSERT INTO "user" (id, email, name, role, session_version, is_active, created_at) '
                f"VALUES ({user_id}, '{role}@vendor.test', '{role}', '{role}', 1, true, {NOW})"))
        connection.execute(text(
            "INSERT INTO account (id, external_id, name, arr, seats, customer_since, status, csm_id, created_at, "
            f"data_changed_at) VALUES (1, 'ALPHA', 'Alpha', 0, 0, '2025-01-01', 'active', 2, {NOW}, {NOW})"))
        connection.execute(text(
            'INSERT INTO "user" (id, email, name, role, account_id, session_version, is_active, created_at) '
            f"VALUES (4, 'pat@alpha.test', 'Pat', 'customer', 1, 1, true, {NOW})"))
        connection.execute(text(
            "INSERT INTO kb_article (id, slug, title, body_markdown, body_html, body_text, toc_json, tags_text, status, "
            "created_at, updated_at, published_at) VALUES (1, 'weekly-report', 'Schedule a weekly report', "
            "'Monday e-mails.', '<p>Monday e-mails.</p>', 'Monday e-mails.', '[]', 'digest', 'published', "
            f"{NOW}, {NOW}, {NOW})"))
        for row in SEARCHES:
            connection.execute(text(
                "INSERT INTO kb_search_log (id, query, normalized, result_count, clicked_article_id, user_id, "
                f"account_id, source, ts) VALUES (:id, :q, :q, :n, :clicked, :user, :account, 'web', {NOW})"),
                dict(zip(("id", "q", "n", "clicked", "user", "account"), row)))
        for vote_id, user_id, account_id, helpful in ((1, 4, 1, False), (2, 2, None, True), (3, 3, None, True)):
            connection.execute(text(
                "INSERT INTO kb_vote (id, article_id, user_id, account_id, helpful, comment, created_at, updated_at) "
                f"VALUES (:id, 1, :user, :account, :helpful, '', {NOW}, {NOW})"),
                {"id": vote_id, "user": user_id, "account": account_id, "helpful": helpful})
        figures = {
            "failed": [tuple(r) for r in connection.execute(text(OLD_FAILED))],
            "unclicked": [tuple(r) for r in connection.execute(text(OLD_UNCLICKED))],
            "totals": tuple(connection.execute(text(OLD_TOTALS)).one()),
        }
    engine.dispose()
    return url, figures


def test_upgrade_keeps_the_reports_figures_and_moves_staff_rows(database_before):
    """After 0021: staff searches are in kb_staff_search (same ids), staff votes are gone, account_id is
    required, and the gap and analytics reports show what the old queries showed on the old table."""
    url, before = database_before
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        customers = connection.execute(text("SELECT id FROM kb_search_log ORDER BY id")).scalars().all()
        staff = connection.execute(text("SELECT id, user_id FROM kb_staff_search ORDER BY id")).all()
        votes = connection.execute(text("SELECT id, account_id FROM kb_vote ORDER BY id")).all()
    assert customers == [1, 2, 6, 7]
    assert [tuple(r) for r in staff] == [(3, None), (4, 2), (5, 3), (8, 2), (9, 3)]
    assert [tuple(r) for r in votes] == [(1, 1)]
    for statement in ("INSERT INTO kb_search_log (query, normalized, result_count, source, ts) "
                      "VALUES ('x', 'x', 0, 'web', CURRENT_TIMESTAMP)",
                      "INSERT INTO kb_vote (article_id, user_id, helpful, comment, created_at, updated_at) "
                      "VALUES (1, 2, true, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()

    application = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        with application.app_context():
            assert analytics.failed_searches() == before["failed"] == [("sso setup", 2), ("gantt", 1)]
            assert analytics.unclicked_searches() == before["unclicked"] == [("weekly report", 1, 2)]
            totals = analytics.totals()
            assert (totals["searches"], round(totals["failed_share"] * totals["searches"])) == before["totals"] == (9, 6)
            assert totals["votes"] == 1 and totals["helpful_share"] == 0
            # A staff search after the upgrade does not collide with the moved ids.
            services.log_search("billing", "billing", 0, Session.get(User, 2))
            Session.commit()
            assert analytics.totals()["searches"] == 10 and analytics.failed_searches()[0] == ("sso setup", 2)
    finally:
        dispose_engine(application.extensions["db_engine"])


def test_articles_written_before_the_upgrade_are_found_and_follow_edits(database_before):
    """The vectors are computed for existing rows by the upgrade and for every edit after it, even by plain SQL."""
    url, _figures = database_before
    upgrade(url)
    application = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        with application.app_context():
            assert [h.slug for h in search("weekly reports").hits] == ["weekly-report"]
            assert [h.slug for h in search("digest").hits] == ["weekly-report"]  # tags are searched
            Session.execute(text("UPDATE kb_article SET title = 'Quarterly summaries', body_text = 'Sent in March.' "
                                 "WHERE id = 1"))
            assert search("weekly", prefix=False).hits == []
            assert [h.slug for h in search("quarterly").hits] == ["weekly-report"]
            Session.rollback()
    finally:
        dispose_engine(application.extensions["db_engine"])


def test_downgrade_puts_staff_searches_back_and_upgrade_again_moves_them(database_before):
    """0021 down and up again: no search is lost either way (staff votes, deleted by the upgrade, stay gone)."""
    url, _figures = database_before
    upgrade(url)
    command.downgrade(alembic_config(url), BEFORE)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT query, user_id, account_id FROM kb_search_log ORDER BY id")).all()
        votes = connection.execute(text("SELECT count(*) FROM kb_vote")).scalar()
        if engine.dialect.name == "postgresql":  # the trigger is back and fills the vectors of an edit
            connection.execute(text("UPDATE kb_article SET title = 'Zebra crossing' WHERE id = 1"))
            assert connection.execute(text("SELECT title_vector @@ to_tsquery('english', 'zebra') FROM kb_article")).scalar()
            connection.rollback()
    assert sorted(map(repr, rows)) == sorted(repr((q, u, a)) for _i, q, _n, _c, u, a in SEARCHES)
    assert votes == 1
    upgrade(url)
    with engine.connect() as connection:
        counts = [connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("kb_search_log", "kb_staff_search")]
    engine.dispose()
    assert counts == [4, 5]
