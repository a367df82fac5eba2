"""Admin analytics and the content-gap queue."""
from __future__ import annotations

from datetime import timedelta

import pytest

from knowledge import services
from knowledge.analytics import content_gaps, failed_searches, unclicked_searches
from models.db import Session, utcnow
from models.knowledge import KbSearchLog, KbStaffSearch
from models.surveys import SurveyResponse


def _log(query: str, results: int, times: int = 1, clicked=None, days_ago: int = 0, account=None):
    """Searches by a customer of `account`, or by nobody known (kept with staff searches) without one."""
    for _ in range(times):
        fields = dict(query=query, normalized=query.lower(), result_count=results, clicked_article_id=clicked,
                      ts=utcnow() - timedelta(days=days_ago))
        Session.add(KbSearchLog(account_id=account.id, **fields) if account else KbStaffSearch(**fields))
    Session.commit()


def test_failed_searches_are_ranked_by_frequency(world):
    """The search most often left without an answer comes first, customers' and unknown searchers' together;
    old ones drop out."""
    _log("sso setup", 0, times=2, account=world["account_a"])
    _log("sso setup", 0, times=1)
    _log("gantt chart", 0, times=5, account=world["account_b"])
    _log("export", 4, times=9, account=world["account_a"])
    _log("ancient", 0, times=9, days_ago=200, account=world["account_a"])
    assert failed_searches() == [("gantt chart", 5), ("sso setup", 3)]


def test_searches_followed_by_no_click_are_listed(world, make_article):
    """Results nobody opened suggest the titles do not look like answers."""
    article = make_article("Export data")
    _log("export", 2, times=2, account=world["account_a"])
    _log("export", 2, times=1)
    _log("export", 2, times=1, clicked=article.id, account=world["account_b"])
    _log("invite", 1, times=1, clicked=article.id, account=world["account_a"])
    assert unclicked_searches() == [("export", 3, 4)]


def test_content_gap_queue_merges_failed_searches_unhelpful_votes_and_detractor_words(world, make_article):
    """One list with what to write next, biggest first, with readers' comments."""
    article = make_article("Export data")
    _log("sso setup", 0, times=2)
    services.vote(article, world["customer_a"], False, "Nothing about PDF exports.")
    services.vote(article, world["customer_b"], False, "")
    with pytest.raises(services.StaffMayNotVote):
        services.vote(article, world["admin"], True, "")
    for n, comment in enumerate(["The onboarding was confusing", "Onboarding took weeks", "Support is slow", "Great!"]):
        Session.add(SurveyResponse(account_id=world["account_a"].id, client_id=f"r{n}", respondent=f"p{n}@x.test",
                                   score=3 if n < 3 else 10, comment=comment))
    Session.commit()
    gaps = content_gaps()
    summary = [(g.kind, g.title, g.count) for g in gaps]
    assert ("unhelpful_article", "Export data", 2) in summary
    assert ("failed_search", "sso setup", 2) in summary
    assert ("detractor_theme", "onboarding", 2) in summary
    assert all(title != "great" for _kind, title, _n in summary)
    unhelpful = next(g for g in gaps if g.kind == "unhelpful_article")
    assert unhelpful.comments == ["Nothing about PDF exports."]


def test_gaps_page_and_analytics_page_show_the_figures(client, world, login, make_article):
    """Admins see the queue and the analytics with their charts."""
    make_article("Export data")
    _log("sso setup", 0, times=2)
    login(world["admin"])
    gaps_page = client.get("/kb/admin/gaps").get_data(as_text=True)
    assert "sso setup" in gaps_page and "Search found nothing" in gaps_page
    analytics_page = client.get("/kb/admin/analytics").get_data(as_text=True)
    assert "Searches that found nothing" in analytics_page and "sso setup" in analytics_page
    chart = client.get("/kb/admin/analytics/failed.json").get_json()
    assert chart.get("doc") and "target_id" in chart


def test_charts_without_data_answer_an_empty_state(client, world, login):
    """An empty chart says why instead of drawing nothing."""
    login(world["admin"])
    for name in ("views", "helpful", "failed", "unclicked"):
        data = client.get(f"/kb/admin/analytics/{name}.json").get_json()
        assert data["empty"] is True and data["message"]
    assert client.get("/kb/admin/analytics/other.json").status_code == 404


def test_views_and_helpful_charts_draw_from_reader_activity(client, world, login, make_article):
    """Views by customers and votes feed the charts."""
    article = make_article("Export data")
    login(world["customer_a"])
    client.get(f"/kb/{article.slug}")
    client.post(f"/kb/{article.slug}/vote", data={"helpful": "yes"})
    client.post("/logout")
    login(world["admin"])
    for name in ("views", "helpful"):
        assert "doc" in client.get(f"/kb/admin/analytics/{name}.json").get_json()
