"""Recommendations: articles for key features the account does not use, and for maturity levels."""
from __future__ import annotations

from datetime import date, timedelta

from knowledge import services
from knowledge.recommend import articles_for_levels
from portal.dashboard.cards.recommend import recommended_articles_card
from models.db import Session
from models.usage import KeyFeature, UsageFeatureDay
from core.period import Period


def _features():
    dashboards = KeyFeature(feature="dashboards", name="Dashboards", maturity_level=1)
    reports = KeyFeature(feature="scheduled_reports", name="Scheduled reports", maturity_level=2)
    Session.add_all([dashboards, reports])
    Session.commit()
    return dashboards, reports


def test_card_recommends_articles_for_unused_key_features(world, make_article):
    """An account that uses dashboards but not scheduled reports is shown the reports articles."""
    dashboards, reports = _features()
    today = date.today()
    dash_article = make_article("Build a dashboard")
    report_article = make_article("Schedule a weekly report")
    draft = make_article("Report recipes", status="draft")
    services.set_links(dash_article, [dashboards.id], [])
    services.set_links(report_article, [reports.id], [])
    services.set_links(draft, [reports.id], [])
    Session.add(UsageFeatureDay(account_id=world["account_a"].id, day=today - timedelta(days=10), feature="dashboards", users=3, events=9))
    Session.add(UsageFeatureDay(account_id=world["account_a"].id, day=today - timedelta(days=120), feature="scheduled_reports", users=1, events=1))
    Session.commit()
    card = recommended_articles_card(world["account_a"], Period(today - timedelta(days=29), today))
    items = [(feature.name, [a.title for a in articles]) for feature, articles in card.context["items"]]
    assert items == [("Scheduled reports", ["Schedule a weekly report"])]


def test_card_is_absent_when_every_linked_feature_is_used(world, make_article):
    """Nothing to recommend: no card."""
    dashboards, _reports = _features()
    services.set_links(make_article("Build a dashboard"), [dashboards.id], [])
    today = date.today()
    Session.add(UsageFeatureDay(account_id=world["account_a"].id, day=today, feature="dashboards", users=1, events=1))
    Session.commit()
    assert recommended_articles_card(world["account_a"], Period(today - timedelta(days=29), today)) is None


def test_card_renders_links_to_the_articles(app, world, make_article):
    """The card's template shows the feature and the article links."""
    from flask import render_template

    _dashboards, reports = _features()
    services.set_links(make_article("Schedule a weekly report"), [reports.id], [])
    Session.commit()
    today = date.today()
    card = recommended_articles_card(world["account_a"], Period(today - timedelta(days=29), today))
    with app.test_request_context():
        html = render_template(card.template, **card.context)
    assert "Scheduled reports" in html and "/kb/schedule-a-weekly-report" in html


def test_articles_for_levels_lists_published_articles_of_those_levels(make_article):
    """The assessment shows the articles that help reach the next levels."""
    first = make_article("Define your goals")
    second = make_article("Automate reporting")
    hidden = make_article("Draft on level 3", status="draft")
    services.set_links(first, [], [2])
    services.set_links(second, [], [3, 2])
    services.set_links(hidden, [], [3])
    Session.commit()
    assert [a.title for a in articles_for_levels([3])] == ["Automate reporting"]
    assert [a.title for a in articles_for_levels([2, 3])] == ["Automate reporting", "Define your goals"]
    assert articles_for_levels([]) == [] and articles_for_levels([9]) == []
