"""Staff pages: analytics, charts, closing the loop, campaigns, the outbox; and the customer's view of it."""
from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from models.db import Session
from models.surveys import DetractorFollowup, SurveyCampaign, SurveyResponse


def answer(client, invitation, user, score, comment=""):
    _id, token = invitation(user)
    client.post(f"/s/{token}", data={"score": str(score), "comment": comment})


def followup_id(app) -> int:
    with app.app_context():
        return Session.scalars(select(DetractorFollowup.id)).one()


def test_analytics_show_nps_with_n_margin_and_small_sample_mark(app, client, world, invitation, login, create_user):
    answer(client, invitation, world["customer_a"], 10)
    answer(client, invitation, create_user("customer", account=world["account_a"]), 3)
    login(world["csm_a"])
    html = client.get("/surveys/").get_data(as_text=True)
    assert 'data-nps="0.0"' in html and "from 2 answers, likely within ±139 points" in html and "small sample" in html
    assert "Alpha Inc" in html and "Beta Ltd" not in html


def test_charts_answer_bokeh_json_or_an_empty_state(app, client, world, invitation, login):
    login(world["csm_a"])
    assert client.get("/surveys/charts/trend.json").get_json()["empty"] is True
    answer(client, invitation, world["customer_a"], 9)
    trend = client.get("/surveys/charts/trend.json?period=quarter").get_json()
    assert "doc" in trend and "root_id" in trend
    assert "doc" in client.get("/surveys/charts/distribution.json?account=ALPHA").get_json()
    assert client.get("/surveys/charts/distribution.json?account=BETA").status_code == 404
    assert "doc" in client.get("/accounts/ALPHA/nps/trend.json").get_json()


def _chart_sources(chart_json: str) -> list[dict]:
    """The data of every source a chart draws from, NaN (Bokeh's blank) read back as float("nan")."""
    def number(value):
        return float(value["value"]) if isinstance(value, dict) and value.get("type") == "number" else value

    def sources(node):
        if isinstance(node, dict):
            if node.get("name") == "ColumnDataSource":
                yield {name: [number(v) for v in values] for name, values in node["attributes"]["data"]["entries"]}
            for value in node.values():
                yield from sources(value)
        elif isinstance(node, list):
            for value in node:
                yield from sources(value)

    return list(sources(json.loads(chart_json)))


def _latest_nps(chart_json: str) -> float:
    """The last NPS point the trend chart draws (its data source's "nps" column)."""
    [periods] = [data for data in _chart_sources(chart_json) if "nps" in data]
    return [v for v in periods["nps"] if not math.isnan(v)][-1]


@pytest.mark.parametrize("period, start, end, answered, shown", [
    ("month", "2026-01-01", "2026-04-30", (date(2026, 1, 12), date(2026, 4, 20)),
     [("Jan 2026", "January 2026"), ("Feb 2026", None), ("Mar 2026", None), ("Apr 2026", "April 2026")]),
    ("quarter", "2026-01-01", "2026-12-31", (date(2026, 2, 3), date(2026, 11, 30)),
     [("Q1 2026", "Q1 2026"), ("Q2 2026", None), ("Q3 2026", None), ("Q4 2026", "Q4 2026")]),
])
def test_the_trend_shows_every_period_asked_for_and_leaves_those_without_answers_blank(
        app, client, world, login, period, start, end, answered, shown):
    """A promoter in the first period and a detractor in the last: the two between stay on the axis, without a
    point, a line or a band through them, and the sentence under the chart says so."""
    with app.app_context():
        for n, (day, score) in enumerate(zip(answered, (10, 3))):
            Session.add(SurveyResponse(account_id=world["account_a"].id, client_id=f"gap{n}", respondent=f"r{n}",
                                       score=score, comment="", ts=datetime.combine(day, time(9), tzinfo=timezone.utc)))
        Session.commit()
    login(world["csm_a"])
    query = f"start={start}&end={end}&period={period}"
    sources = _chart_sources(client.get(f"/surveys/charts/trend.json?{query}").get_data(as_text=True))
    [periods] = [data for data in sources if "nps" in data]
    assert periods["label"] == [label for label, _ in shown]
    assert [None if math.isnan(nps) else when for nps, when in zip(periods["nps"], periods["when"])] == \
        [when for _, when in shown]
    assert (periods["nps"][0], periods["nps"][-1]) == (100.0, -100.0)
    bands = [data for data in sources if "low" in data and "nps" not in data]
    assert sorted(label for band in bands for label in band["label"]) == sorted([shown[0][0], shown[-1][0]])
    html = client.get(f"/surveys/?{query}").get_data(as_text=True)
    assert (f"Net Promoter Score of each calendar {period} in 1 Jan – {date.fromisoformat(end):%-d %b %Y}; "
            f"a {period} without answers is left blank.") in html


def test_cached_nps_charts_change_as_soon_as_an_answer_arrives(app, client, world, invitation, login, create_user):
    """Charts are cached, but a new answer is in the next chart: the trend's NPS moves from 100 to 0."""
    login(world["csm_a"])
    answer(client, invitation, world["customer_a"], 10)
    first = client.get("/accounts/ALPHA/nps/trend.json").get_data(as_text=True)
    assert client.get("/accounts/ALPHA/nps/trend.json").get_data(as_text=True) == first  # served from the cache
    assert _latest_nps(first) == 100.0
    answer(client, invitation, create_user("customer", account=world["account_a"]), 0)
    assert _latest_nps(client.get("/accounts/ALPHA/nps/trend.json").get_data(as_text=True)) == 0.0
    distribution = client.get("/surveys/charts/distribution.json?account=ALPHA").get_json()
    assert "doc" in distribution


def test_the_csm_closes_the_loop_and_the_respondent_sees_the_reply(app, client, world, invitation, login):
    from surveys.nps.queries import open_detractor_followups

    account_id = world["account_a"].id
    customer = world["customer_a"]
    answer(client, invitation, customer, 4, "Exports are slow")
    with app.app_context():
        assert open_detractor_followups([account_id]) == 1
    item = followup_id(app)
    login(world["csm_a"])
    assert "Exports are slow" in client.get("/surveys/followups").get_data(as_text=True)
    saved = client.post(f"/surveys/followups/{item}", data={
        "note": "Called them; moved exports to the background.", "reply": "Exports now run in the background.",
        "publish_reply": "y", "close": "y"})
    assert saved.status_code == 302
    with app.app_context():
        assert open_detractor_followups([account_id]) == 0
        row = Session.get(DetractorFollowup, item)
        assert row.status == "closed" and row.closed_at is not None and row.reply_published_at is not None
    client.post("/logout")
    login(customer)
    from flask_login import login_user

    from models.accounts import Account, User
    from core.period import Period
    from portal.dashboard.cards.nps import nps_card

    with app.test_request_context():
        user = Session.get(User, customer.id)
        login_user(user)
        card = nps_card(Session.get(Account, account_id), Period(*_last_year()))
        from flask import render_template

        html = render_template(card.template, card=card, context=card.context)
    assert "You said, we did" in html and "Exports now run in the background." in html


def _last_year():
    from datetime import date, timedelta

    return date.today() - timedelta(days=364), date.today()


def test_a_customer_sees_their_pending_survey_on_the_dashboard_card(app, world, invitation):
    from flask import render_template
    from flask_login import login_user

    from models.accounts import Account, User
    from core.period import Period
    from portal.dashboard.cards.nps import nps_card

    _id, token = invitation(world["customer_a"])
    with app.test_request_context():
        login_user(Session.get(User, world["customer_a"].id))
        card = nps_card(Session.get(Account, world["account_a"].id), Period(*_last_year()))
        html = render_template(card.template, card=card, context=card.context)
    assert f"/s/{token}" in html and "Answer the survey" in html


def test_a_csm_cannot_open_another_csms_follow_up(app, client, world, invitation, login):
    answer(client, invitation, world["customer_b"], 2, "secret complaint")
    item = followup_id(app)
    login(world["csm_a"])
    assert client.get(f"/surveys/followups/{item}").status_code == 404
    assert client.post(f"/surveys/followups/{item}", data={"note": "x", "close": "y"}).status_code == 404
    assert "secret complaint" not in client.get("/surveys/followups").get_data(as_text=True)
    with app.app_context():
        assert Session.get(DetractorFollowup, item).status == "open"


def test_a_csm_creates_a_campaign_only_for_their_own_accounts(app, client, world, login):
    alpha, beta = world["account_a"].id, world["account_b"].id
    login(world["csm_a"])
    refused = client.post("/surveys/campaigns", data={"name": "Sneaky", "audience": "accounts", "accounts": [str(beta)]})
    assert refused.status_code == 422
    refused_all = client.post("/surveys/campaigns", data={"name": "Everyone", "audience": "all"})
    assert refused_all.status_code == 422
    created = client.post("/surveys/campaigns", data={"name": "Alpha pulse", "audience": "accounts",
                                                      "accounts": [str(alpha)], "every_days": "90"})
    assert created.status_code == 302
    with app.app_context():
        [campaign] = Session.scalars(select(SurveyCampaign)).all()
        assert (campaign.name, campaign.audience, campaign.every_days) == ("Alpha pulse", "accounts", 90)


def test_admins_read_queued_mail_on_the_outbox_page(app, client, world, invitation, login):
    invitation(world["customer_a"])
    login(world["admin"])
    html = client.get("/surveys/outbox").get_data(as_text=True)
    assert world["customer_a"].email in html and "queued" in html
    from models.mail import OutboxMessage

    with app.app_context():
        message_id = Session.scalars(select(OutboxMessage.id)).first()
    detail = client.get(f"/surveys/outbox/{message_id}").get_data(as_text=True)
    assert "/s/" in detail and "Not tried yet" in detail
    assert client.get("/surveys/outbox/999999").status_code == 404


def test_the_dashboard_shows_the_nps_card_and_the_customers_pending_survey(app, client, world, invitation, login):
    _id, token = invitation(world["customer_a"])
    login(world["customer_a"])
    html = client.get("/accounts/ALPHA/").get_data(as_text=True)
    assert 'data-card="nps"' in html and f"/s/{token}" in html
