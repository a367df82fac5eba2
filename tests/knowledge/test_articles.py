"""Curation: stable slugs and redirects, revisions with author, diff, restore, archive."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from knowledge import services
from models.db import Session
from models.knowledge import Article, KbRevision
from portal.services import ServiceError


def test_duplicate_titles_get_distinct_slugs(make_article):
    """Two articles with the same title live at two addresses."""
    first = make_article("Export data")
    second = make_article("Export data")
    assert (first.slug, second.slug) == ("export-data", "export-data-2")


def test_title_without_letters_gets_the_fallback_slug(make_article):
    """A title of punctuation or non-Latin script is accepted at /kb/article, /kb/article-2..."""
    assert make_article("???").slug == "article"
    assert make_article("日本語のガイド").slug == "article-2"


def test_reserved_words_are_not_used_as_slugs(make_article):
    """An article titled 'Search' cannot hide the search page."""
    assert make_article("Search").slug == "search-article"


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_empty_title_is_refused(app, title):
    """A title is required."""
    with pytest.raises(ServiceError, match="title is required"):
        services.create_article(services.ArticleInput(title, "body"), None)


def test_slug_stays_when_the_title_changes(make_article):
    """Renaming an article keeps its address."""
    article = make_article("Export data")
    services.update_article(article, services.ArticleInput("Export your data to CSV", "x", "published"), None)
    Session.commit()
    assert article.slug == "export-data"


def test_changed_slug_redirects_from_the_old_one(client, world, login, make_article):
    """Bookmarks keep working: the old address answers 301 to the new one."""
    article = make_article("Export data")
    services.update_article(article, services.ArticleInput("Export data", "x", "published", slug="export-csv"), None)
    Session.commit()
    login(world["customer_a"])
    response = client.get("/kb/export-data")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/kb/export-csv")
    assert client.get("/kb/export-csv").status_code == 200


def test_slug_taken_by_another_article_is_refused(make_article):
    """Two articles cannot share an address, old or new."""
    make_article("Export data")
    other = make_article("Import data")
    with pytest.raises(ServiceError, match="already used"):
        services.update_article(other, services.ArticleInput("Import data", "x", "published", slug="export-data"), None)


def test_every_save_is_a_revision_with_author(make_article, world):
    """Who changed what and when is kept."""
    admin = world["admin"]
    article = make_article("Export data", "v1", author=admin)
    services.update_article(article, services.ArticleInput("Export data", "v2", "published"), admin)
    Session.commit()
    revisions = list(Session.scalars(select(KbRevision).where(KbRevision.article_id == article.id).order_by(KbRevision.number)))
    assert [(r.number, r.body_markdown, r.author_id) for r in revisions] == [(1, "v1", admin.id), (2, "v2", admin.id)]
    assert all(r.created_at is not None for r in revisions)


def test_editor_saves_revisions_and_diff_shows_changes(client, world, login, make_article):
    """An admin edits through the page; the diff shows removed and added lines."""
    article = make_article("Export data", "line one\nline two\n")
    login(world["admin"])
    response = client.post(f"/kb/admin/{article.id}/edit", data={
        "title": "Export data", "slug": article.slug, "category": "Reporting", "tags": "csv, export",
        "status": "published", "body_markdown": "line one\nline 2 changed\n",
    })
    assert response.status_code == 302
    page = client.get(f"/kb/admin/{article.id}/diff").get_data(as_text=True)
    assert "-line two" in page and "+line 2 changed" in page
    revisions = client.get(f"/kb/admin/{article.id}/revisions").get_data(as_text=True)
    assert "edited" in revisions and "created" in revisions


def test_restore_makes_an_old_revision_current(client, world, login, make_article):
    """Restoring revision 1 brings back its text as a new revision 3."""
    article = make_article("Export data", "original text")
    services.update_article(article, services.ArticleInput("Export data", "broken text", "published"), None)
    Session.commit()
    login(world["admin"])
    assert client.post(f"/kb/admin/{article.id}/revisions/1/restore").status_code == 302
    Session.expire_all()
    article = Session.get(Article, article.id)
    assert article.body_markdown == "original text"
    assert "original text" in article.body_html
    assert Session.scalar(select(func.max(KbRevision.number)).where(KbRevision.article_id == article.id)) == 3


def test_restore_of_another_articles_revision_is_404(client, world, login, make_article):
    """A revision number belongs to its article."""
    article = make_article("Export data")
    login(world["admin"])
    assert client.post(f"/kb/admin/{article.id}/revisions/7/restore").status_code == 404
    assert client.get(f"/kb/admin/{article.id + 100}/edit").status_code == 404


def test_archived_article_disappears_for_readers(client, world, login, make_article):
    """Archiving hides an article from customers but keeps it for admins."""
    article = make_article("Export data")
    login(world["admin"])
    assert client.post(f"/kb/admin/{article.id}/archive").status_code == 302
    assert client.get(f"/kb/{article.slug}").status_code == 200
    client.post("/logout")
    login(world["customer_a"])
    assert client.get(f"/kb/{article.slug}").status_code == 404


def test_admin_writes_a_new_article_with_links(client, world, login, db):
    """The editor creates the article, its category, tags and maturity levels."""
    login(world["admin"])
    response = client.post("/kb/admin/new", data={
        "title": "Automate follow-ups", "category": "Best practices", "tags": "automation, workflows",
        "status": "published", "body_markdown": "## Why\n\nSave time.", "levels": ["3", "4"],
    })
    assert response.status_code == 302
    article = db.scalar(select(Article).where(Article.slug == "automate-follow-ups"))
    assert article.category.name == "Best practices"
    assert [t.name for t in article.tags] == ["automation", "workflows"]
    assert [lvl.level for lvl in article.levels] == [3, 4]


def test_editor_shows_a_clear_error_for_a_taken_slug(client, world, login, make_article):
    """A refused save keeps the text and says why."""
    make_article("Export data")
    other = make_article("Import data")
    login(world["admin"])
    response = client.post(f"/kb/admin/{other.id}/edit", data={
        "title": "Import data", "slug": "export-data", "status": "published", "body_markdown": "my text",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "already used" in page and "my text" in page
