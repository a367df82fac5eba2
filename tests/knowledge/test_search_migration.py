"""The 0005 migration creates the same search objects as create_all: search works on a migrated database."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from knowledge import services
from knowledge.search import search
from models.db import Session, dispose_engine
from portal import create_app
from portal.cli.database import upgrade
from tests.conftest import PG_URL, REQUIRE_POSTGRES, postgres_reachable


def _fresh_postgres_url() -> str:
    url = make_url(PG_URL)
    name = f"{url.database}_kbsearch"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request, tmp_path):
    """A database built by `db upgrade` only."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        if not postgres_reachable():
            if REQUIRE_POSTGRES:
                pytest.fail("PostgreSQL is required (REQUIRE_POSTGRES=1) but does not answer.")
            pytest.skip("PostgreSQL is not reachable.")
        url = _fresh_postgres_url()
    upgrade(url)
    return url


def test_search_index_follows_articles_on_a_migrated_database(migrated_url):
    """Insert, edit and archive are reflected by search after `db upgrade`."""
    application = create_app({"DATABASE_URL": migrated_url, "TESTING": True})
    try:
        article = services.create_article(services.ArticleInput("Schedule a weekly report", "Monday e-mails.", "published"), None)
        Session.commit()
        assert [h.slug for h in search("weekly reports").hits] == [article.slug]
        services.update_article(article, services.ArticleInput("Send digests", "Monday e-mails.", "published"), None)
        Session.commit()
        assert search("weekly", prefix=False).hits == [] and search("digest").hits
        services.set_status(article, "archived", None)
        Session.commit()
        assert search("digest").hits == []
    finally:
        dispose_engine(application.extensions["db_engine"])
