"""The dashboard's health card and the staff-only forecast card."""
from __future__ import annotations

import json
from datetime import date, timedelta

from models.db import Session
from models.health import HealthScore
from core.period import Period
from portal.dashboard.cards.deck import cards_for

TODAY = date.today()


def test_health_card_explains_score_trend_and_lever(app, world):
    """Score, band in words, change since the comparison period's last day, components and the biggest lever."""
    account = world["account_a"]
    components = [{"name": "usage", "weight": 66.7, "score": 30, "contribution": 20, "explanation": "Few seats used."},
                  {"name": "sentiment", "weight": 33.3, "score": 90, "contribution": 30, "explanation": "NPS is high."}]
    with app.app_context():
        Session.add(HealthScore(account_id=account.id, as_of=TODAY, score=50, band="yellow", components_json=json.dumps(components)))
        Session.add(HealthScore(account_id=account.id, as_of=TODAY - timedelta(days=30), score=44, band="yellow", components_json="[]"))
        Session.commit()
        cards = {c.template: c for c in cards_for(account, Period(TODAY - timedelta(days=29), TODAY), include_staff_only=True)}
        from flask import render_template

        with app.test_request_context():
            html = render_template(cards["health/_card.html"].template, card=cards["health/_card.html"],
                                   context=cards["health/_card.html"].context)
    assert "Needs care" in html and "up 6 points since" in html
    assert "Few seats used." in html and "adds 20.0 points" in html.split("How is this computed?")[1]
    assert "What would raise it most: <strong>Usage</strong>, worth up to 47 points" in html
    assert cards["health/_forecast_card.html"].public is False


def test_forecast_card_is_not_public(app, world):
    """The forecast card is left out of what customers see."""
    account = world["account_a"]
    with app.app_context():
        Session.add(HealthScore(account_id=account.id, as_of=TODAY, score=20, band="red", components_json="[]"))
        Session.commit()
        public = [c.template for c in cards_for(account, Period(TODAY - timedelta(days=29), TODAY))]
    assert "health/_card.html" in public and "health/_forecast_card.html" not in public


def test_health_card_is_left_out_for_a_period_before_the_history(app, world):
    """A period that ends before the first stored score shows no health card rather than today's score."""
    account = world["account_a"]
    with app.app_context():
        Session.add(HealthScore(account_id=account.id, as_of=TODAY, score=20, band="red", components_json="[]"))
        Session.commit()
        old = Period(TODAY - timedelta(days=200), TODAY - timedelta(days=110))
        assert "health/_card.html" not in [c.template for c in cards_for(account, old)]
