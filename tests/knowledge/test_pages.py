"""Reading pages: who sees what, votes, views, engagement, search log and clicks, the editor's helpers."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.knowledge import KbSearchLog, KbView, KbVote
from models.usage import EngagementEvent
from tests.conftest import PASSWORD
from tests.demo_site import csrf_token_of


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_drafts_and_archived_articles_are_404_for_readers(client, world, login, make_article, role):
    """Customers and CSMs see published articles only; drafts answer like unknown articles."""
    draft = make_article("Upcoming feature", status="draft")
    archived = make_article("Old feature", status="draft")
    archived.status = "archived"
    Session.commit()
    login(world[role])
    assert client.get(f"/kb/{draft.slug}").status_code == 404
    assert client.get(f"/kb/{archived.slug}").status_code == 404
    assert client.get("/kb/no-such-article").status_code == 404
    assert "Upcoming feature" not in client.get("/kb/").get_data(as_text=True)
    assert "Upcoming feature" not in client.get("/kb/search?q=upcoming").get_data(as_text=True)


def test_admin_sees_a_draft_with_a_banner(client, world, login, make_article):
    """Admins preview drafts at their address."""
    draft = make_article("Upcoming feature", status="draft")
    login(world["admin"])
    page = client.get(f"/kb/{draft.slug}").get_data(as_text=True)
    assert "This article is draft" in page


@pytest.mark.parametrize("path", ["/kb/admin/", "/kb/admin/new", "/kb/admin/analytics", "/kb/admin/gaps", "/kb/admin/similar?title=x"])
@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_curation_pages_are_for_admins_only(client, world, login, path, role):
    """Customers and CSMs get 403 on every curation page."""
    login(world[role])
    assert client.get(path).status_code == 403


def test_index_lists_categories_helpful_and_newest(client, world, login, make_article):
    """The index groups articles by category and shows the most helpful and the newest."""
    make_article("Export data", category="Reporting")
    liked = make_article("Invite your team", category="Getting started")
    Session.add(KbVote(article_id=liked.id, user_id=world["customer_a"].id, account_id=world["account_a"].id, helpful=True))
    Session.commit()
    login(world["customer_a"])
    page = client.get("/kb/").get_data(as_text=True)
    assert "Reporting" in page and "Getting started" in page
    assert "100% of 1 votes found it helpful" in page


def test_article_page_shows_sanitised_body_toc_and_related(client, world, login, make_article):
    """The body is safe HTML, long articles have an outline, related articles share tags."""
    article = make_article("Export data", "## One\n\n<script>alert(1)</script>\n\n## Two\n\n## Three\n", tags=["csv"])
    make_article("CSV tips", tags=["csv"])
    login(world["customer_a"])
    page = client.get(f"/kb/{article.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'href="#sec-two"' in page
    assert "CSV tips" in page


def test_one_vote_per_user_and_it_can_change(client, world, login, make_article):
    """Voting twice changes the vote instead of adding one; the comment is kept."""
    article = make_article("Export data")
    login(world["customer_a"])
    assert client.post(f"/kb/{article.slug}/vote", data={"helpful": "yes"}).status_code == 302
    client.post(f"/kb/{article.slug}/vote", data={"helpful": "no", "comment": "Missing the PDF option."})
    votes = list(Session.scalars(select(KbVote).where(KbVote.article_id == article.id)))
    assert [(v.helpful, v.comment, v.account_id) for v in votes] == [(False, "Missing the PDF option.", world["account_a"].id)]
    page = client.get(f"/kb/{article.slug}").get_data(as_text=True)
    assert "You answered “no”" in page


def test_vote_without_a_choice_is_refused_with_a_message(client, world, login, make_article):
    """A vote must say yes or no."""
    article = make_article("Export data")
    login(world["customer_a"])
    response = client.post(f"/kb/{article.slug}/vote", data={"helpful": "maybe"}, follow_redirects=True)
    assert "Choose yes or no" in response.get_data(as_text=True)
    assert Session.scalar(select(func.count()).select_from(KbVote)) == 0


def test_vote_on_a_draft_is_404_for_customers(client, world, login, make_article):
    """A customer cannot vote on what they cannot see."""
    draft = make_article("Upcoming", status="draft")
    login(world["customer_a"])
    assert client.post(f"/kb/{draft.slug}/vote", data={"helpful": "yes"}).status_code == 404


def test_customer_views_and_votes_count_as_engagement_of_their_account(client, world, login, make_article):
    """Reading and voting feed the health score's engagement component; staff reading does not."""
    article = make_article("Export data")
    login(world["customer_a"])
    client.get(f"/kb/{article.slug}")
    client.post(f"/kb/{article.slug}/vote", data={"helpful": "yes"})
    client.post("/logout")
    login(world["csm_a"])
    client.get(f"/kb/{article.slug}")
    kinds = Session.execute(select(EngagementEvent.account_id, EngagementEvent.kind).order_by(EngagementEvent.id)).all()
    assert [tuple(k) for k in kinds] == [(world["account_a"].id, "article_view"), (world["account_a"].id, "article_vote")]
    views = Session.execute(select(KbView.account_id, KbView.user_id)).all()
    assert [tuple(v) for v in views] == [(world["account_a"].id, world["customer_a"].id)]


def test_searches_are_logged_with_result_count_and_click(client, world, login, make_article):
    """The search log shows what was typed, how much was found and which article was opened."""
    article = make_article("Export data", "Spreadsheets")
    login(world["customer_a"])
    page = client.get("/kb/search?q=export").get_data(as_text=True)
    log = Session.scalar(select(KbSearchLog))
    assert (log.query, log.result_count, log.account_id) == ("export", 1, world["account_a"].id)
    assert f"/kb/{article.slug}?s={log.id}" in page
    client.get(f"/kb/{article.slug}?s={log.id}")
    Session.expire_all()
    assert Session.get(KbSearchLog, log.id).clicked_article_id == article.id


def test_a_click_is_not_recorded_on_someone_elses_search(client, world, login, make_article):
    """Search ids of other users are ignored."""
    article = make_article("Export data")
    login(world["customer_b"])
    client.get("/kb/search?q=export")
    log_id = Session.scalar(select(KbSearchLog.id))
    client.post("/logout")
    login(world["customer_a"])
    client.get(f"/kb/{article.slug}?s={log_id}")
    Session.expire_all()
    assert Session.get(KbSearchLog, log_id).clicked_article_id is None


@pytest.mark.parametrize("query", ['"', "NEAR(", "***", "a:b", "' OR 1=1 --", "x" * 500])
def test_search_page_survives_hostile_queries(client, world, login, make_article, query):
    """The search page answers 200 for any text."""
    make_article("Export data")
    login(world["customer_a"])
    assert client.get("/kb/search", query_string={"q": query}).status_code == 200


def test_preview_renders_sanitised_html(client, world, login):
    """The editor's preview shows what readers will see, without unsafe markup."""
    login(world["admin"])
    response = client.post("/kb/admin/preview", json={"body_markdown": "## Hi\n\n<img src=x onerror=alert(1)>"})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert '<h2 id="sec-hi">Hi</h2>' in html and "onerror" not in html
    assert client.post("/kb/admin/preview", json={"body_markdown": 3}).status_code == 422


def test_similar_titles_are_offered_while_typing(client, world, login, make_article):
    """Typing a title lists the existing articles like it."""
    make_article("Schedule a weekly report")
    make_article("Invite your team")
    login(world["admin"])
    data = client.get("/kb/admin/similar?title=scheduling reports").get_json()
    assert [a["title"] for a in data["articles"]] == ["Schedule a weekly report"]


def test_editor_page_loads_its_script_without_inline_code(client, world, login):
    """The editor uses static/js/kb_editor.js and no inline script (CSP script-src 'self')."""
    login(world["admin"])
    page = client.get("/kb/admin/new").get_data(as_text=True)
    assert re.search(r"/static/js/kb_editor\.[0-9a-f]{12}\.js", page)
    assert "<script>" not in page and " onclick=" not in page


@pytest.mark.options(WTF_CSRF_ENABLED=True)
def test_vote_without_csrf_token_is_refused(client, world, make_article):
    """A forged vote from another site gets 400."""
    article = make_article("Export data")
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token_of(page)
    signed_in = client.post("/login", data={"email": world["customer_a"].email, "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    assert client.post(f"/kb/{article.slug}/vote", data={"helpful": "yes"}).status_code == 400
    assert Session.scalar(select(func.count()).select_from(KbVote)) == 0


def test_suggestions_while_typing_match_prefixes_of_published_titles(client, world, login, make_article):
    """'sched' offers 'Schedule a weekly report'; drafts are not offered; one letter offers nothing."""
    make_article("Schedule a weekly report")
    make_article("Scheduling secrets", status="draft")
    login(world["customer_a"])
    data = client.get("/kb/suggest?q=sched").get_json()
    assert data == {"articles": [{"title": "Schedule a weekly report", "url": "/kb/schedule-a-weekly-report"}]}
    assert client.get("/kb/suggest?q=s").get_json() == {"articles": []}
    assert Session.scalar(select(func.count()).select_from(KbSearchLog)) == 0
