"""Every reader's comment reaches an admin page; staff searches stay out of the content-gap queue."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from knowledge import services
from knowledge.analytics import content_gaps, failed_searches, totals, unclicked_searches
from models.db import Session
from models.knowledge import KbSearchLog, KbStaffSearch, KbVote


def test_a_comment_left_with_a_yes_vote_is_shown_to_admins(client, world, login, make_article):
    """'The team reads every comment': the helpful ones too, with the article and the vote."""
    article = make_article("Export data")
    services.vote(article, world["customer_a"], True, "Clear steps, but add a screenshot of the dialog.")
    services.vote(make_article("Invite people"), world["customer_b"], False, "The invite button moved.")
    Session.commit()
    login(world["admin"])
    page = client.get("/kb/admin/comments").get_data(as_text=True)
    assert "Clear steps, but add a screenshot of the dialog." in page
    assert "The invite button moved." in page
    assert "Export data" in page and "Helpful" in page


def test_staff_searches_are_not_customers_failed_searches(world, make_article):
    """An admin's or CSM's search that found nothing is not a content gap; a customer's is."""
    make_article("Export data")
    for user in (world["admin"], world["csm_a"]):
        services.log_search("roadmap secrets", "roadmap secrets", 0, user)
        services.log_search("export", "export", 1, user)
    services.log_search("sso setup", "sso setup", 0, world["customer_a"])
    Session.commit()
    assert failed_searches() == [("sso setup", 1)]
    assert unclicked_searches() == []
    assert [item.title for item in content_gaps() if item.kind == "failed_search"] == ["sso setup"]


def test_staff_searches_are_kept_apart_yet_counted_in_the_analytics(client, world, login, make_article):
    """A CSM's search lands in kb_staff_search (no account), its click is recorded there, and the analytics'
    totals count it with customers' searches; the content gaps still leave it out."""
    article = make_article("Export data")
    login(world["csm_a"])
    page = client.get("/kb/search?q=export").get_data(as_text=True)
    staff_search = Session.scalar(select(KbStaffSearch))
    assert (staff_search.user_id, staff_search.result_count) == (world["csm_a"].id, 1)
    assert f"/kb/{article.slug}?s={staff_search.id}" in page
    client.get(f"/kb/{article.slug}?s={staff_search.id}")
    client.get("/kb/search?q=roadmap")
    client.post("/logout")
    login(world["customer_a"])
    client.get("/kb/search?q=roadmap")
    Session.expire_all()
    assert Session.get(KbStaffSearch, staff_search.id).clicked_article_id == article.id
    assert Session.scalar(select(func.count()).select_from(KbSearchLog)) == 1
    assert Session.scalar(select(func.count()).select_from(KbStaffSearch)) == 2
    figures = totals()
    assert (figures["searches"], figures["failed_share"]) == (3, 2 / 3)
    assert failed_searches() == [("roadmap", 1)]


def test_a_customer_cannot_mark_a_click_on_a_staff_search(client, world, login, make_article):
    """Search ids are per table: a customer's ?s= with a staff search's id changes nothing."""
    article = make_article("Export data")
    services.log_search("export", "export", 1, world["admin"])
    Session.commit()
    staff_id = Session.scalar(select(KbStaffSearch.id))
    login(world["customer_a"])
    client.get(f"/kb/{article.slug}?s={staff_id}")
    Session.expire_all()
    assert Session.get(KbStaffSearch, staff_id).clicked_article_id is None


@pytest.mark.parametrize("role", ["csm_a", "admin"])
def test_staff_see_no_vote_form_and_a_posted_vote_is_refused(client, world, login, make_article, role):
    """"Was this helpful?" is the customers' question: staff see the customers' answers but no form, and a
    vote they post anyway gets 403 with the reason, nothing stored."""
    article = make_article("Export data")
    services.vote(article, world["customer_a"], True)
    Session.commit()
    login(world[role])
    page = client.get(f"/kb/{article.slug}").get_data(as_text=True)
    assert "Yes, it helped" not in page and "staff do not vote" in page
    assert "1 of 1 readers found it helpful" in page
    response = client.post(f"/kb/{article.slug}/vote", data={"helpful": "no", "comment": "Outdated"})
    assert response.status_code == 403
    assert "Only customers answer" in response.get_data(as_text=True)
    assert [(v.user_id, v.helpful) for v in Session.scalars(select(KbVote))] == [(world["customer_a"].id, True)]


def test_customers_still_see_the_vote_form(client, world, login, make_article):
    """The form stays for the readers whose answer it asks for."""
    article = make_article("Export data")
    login(world["customer_a"])
    assert "Yes, it helped" in client.get(f"/kb/{article.slug}").get_data(as_text=True)
