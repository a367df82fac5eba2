"""The 0005 migration creates the same search objects as create_all: search works on a migrated database."""
from __future__ import annotations

import pytest

from knowledge import services
from knowledge.search import search
from models.db import Session, dispose_engine
from portal import create_app
from portal.cli.database import upgrade
from tests.conftest import empty_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request, tmp_path):
    """A database built by `db upgrade` only."""
    url = empty_database_url(request.param, tmp_path, "kbsearch")
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
