"""Every reader's comment reaches an admin page; staff searches stay out of the content-gap queue."""
from __future__ import annotations

from knowledge import services
from knowledge.analytics import content_gaps, failed_searches, unclicked_searches
from models.db import Session


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
