"""One true story: the dashboard, the API and the review link give the same figure for the same period;
a new account is onboarding; bad review input gets a sentence, never a 500."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models.db import Session, utcnow
from models.health import ShareLink
from portal.share.snapshot import quarter_periods
from tests.conftest import sign_in

TODAY = utcnow().date()
PEOPLE = ("ann", "bob", "cat", "dan", "eve")


def _ts(day: date, hour: int = 10) -> str:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc).isoformat()


@pytest.fixture
def story(app, world, post_events, api):
    """100 days of ALPHA: logins, two features, reports, and NPS answers in some months only."""
    from models.usage import KeyFeature

    with app.app_context():
        Session.add_all([KeyFeature(feature="dashboards", name="Dashboards"), KeyFeature(feature="alerts", name="Alerts")])
        Session.commit()
    events = []
    for back in range(1, 101):
        day = TODAY - timedelta(days=back)
        for index, person in enumerate(PEOPLE):
            if (back + index) % (index + 2):
                continue
            events.append({"id": f"{back}-{person}-l", "user": person, "type": "login", "ts": _ts(day)})
            feature = "dashboards" if index % 2 else "alerts"
            events.append({"id": f"{back}-{person}-f", "user": person, "type": "feature_used", "feature": feature,
                           "ts": _ts(day, 11)})
            if back % 7 == 0:
                events.append({"id": f"{back}-{person}-r", "user": person, "type": "report_run", "ts": _ts(day, 12)})
    assert post_events([{**event, "account": "ALPHA"} for event in events]).status_code == 200
    answers = [{"id": f"n{k}", "account": "ALPHA", "respondent": f"p{k}@alpha.test", "score": (3, 7, 9, 10)[k % 4],
                "ts": _ts(TODAY - timedelta(days=5 + 9 * k))} for k in range(8)]
    assert api(world["admin"]).post("/api/v1/survey-responses", json={"responses": answers}).status_code == 200


def _page_figures(html: str) -> dict:
    figures = dict(re.findall(r'data-figure="([a-z_]+)"[^>]*>([^<]*)<', html))
    figures.update({f"feature:{k}": v for k, v in re.findall(r'data-feature-users="([^"]+)">([^<]*)<', html)})
    nps = re.search(r'data-figure="nps" data-nps="([-\d.]+)"', html)
    figures["nps_exact"] = nps.group(1) if nps else None
    return figures


PERIODS = [(40, 11), (90, 1), (25, 25)]  # (days back of the first day, days back of the last day)


@pytest.mark.parametrize("first, last", PERIODS)
def test_every_dashboard_figure_equals_the_api_for_the_period(client, world, story, api, first, last):
    start, end = TODAY - timedelta(days=first), TODAY - timedelta(days=last)
    sign_in(client, world["customer_a"])
    html = client.get(f"/accounts/ALPHA/?range=custom&start={start}&end={end}").get_data(as_text=True)
    page = _page_figures(html)
    assert f'data-period="{start}/{end}"' in html
    reader = api(world["customer_a"])
    usage = reader.get(f"/api/v1/accounts/ALPHA/usage?start={start}&end={end}").get_json()
    nps = reader.get(f"/api/v1/accounts/ALPHA/nps?start={start}&end={end}").get_json()
    assert page["logins"] == f"{sum(day['logins'] for day in usage['days']):,}"
    by_feature = {row["feature"]: row["users"] for row in usage["features"]}
    assert page["feature:dashboards"] == str(by_feature.get("dashboards", 0))
    assert page["feature:alerts"] == str(by_feature.get("alerts", 0))
    if nps["nps"] is None:
        assert page["nps_exact"] is None
    else:
        assert float(page["nps_exact"]) == pytest.approx(nps["nps"], abs=0.05)
        assert f"From {nps['responses']} " in html


def test_the_review_link_shows_the_dashboards_figures_for_its_period(app, client, world, story):
    start, end = TODAY - timedelta(days=60), TODAY - timedelta(days=1)
    sign_in(client, world["csm_a"])
    created = client.post("/accounts/ALPHA/share", data={"start": start.isoformat(), "end": end.isoformat(),
                                                         "note": "", "expires_in_days": "14"})
    token = re.search(r"/share/([A-Za-z0-9_-]{40,})", created.get_data(as_text=True)).group(1)
    dashboard = _page_figures(client.get(f"/accounts/ALPHA/?range=custom&start={start}&end={end}").get_data(as_text=True))
    visitor = app.test_client()
    review_html = visitor.get(f"/share/{token}").get_data(as_text=True)
    review = _page_figures(review_html)
    for key in ("active_users", "seat_utilisation", "logins", "reports_run", "feature:dashboards", "feature:alerts", "nps"):
        assert review[key] == dashboard[key], key
    assert "Last 28 days" not in review_html and "could not be loaded" not in review_html
    table = review_html[review_html.index('data-testid="period-table"'):]
    assert f"Logins</th><td>" in table and f"<td>{dashboard['logins']} logins</td>" in table
    for url in re.findall(r'data-chart-url="([^"]+)"', review_html):
        assert url.startswith(f"/share/{token}/charts/"), url  # never a page that needs a session
        answer = visitor.get(url)
        assert answer.status_code == 200 and ("doc" in answer.get_json() or answer.get_json()["empty"])


def test_a_calendar_quarter_is_compared_with_the_quarter_before(app, client, world, story):
    quarter = quarter_periods(TODAY)
    before = quarter.previous()
    assert before.end == quarter.start - timedelta(days=1) and before.start.day == 1 and before.whole_months() == 3
    sign_in(client, world["customer_a"])
    html = client.get(f"/accounts/ALPHA/?range=custom&start={quarter.start}&end={quarter.end}").get_data(as_text=True)
    assert f"compared with {before.label()}" in html


def test_a_new_account_is_onboarding_in_its_page_the_portfolio_and_the_api(app, client, world, create_account,
                                                                            create_user, post_events, api):
    newcomer = create_account(name="Newcomer GmbH", external_id="NEW", csm=world["csm_a"], customer_since=TODAY)
    create_user("customer", account=newcomer)
    assert post_events([{"id": "n1", "account": "NEW", "user": "first", "type": "login",
                         "ts": _ts(TODAY, 0)}]).status_code == 200
    sign_in(client, world["csm_a"])
    page = client.get("/accounts/NEW/").get_data(as_text=True)
    assert 'data-card="onboarding"' in page and 'data-card="health"' not in page
    assert "At risk" not in page and "Red" not in page
    assert 'data-step="first_events" data-done="yes"' in page and 'data-step="plan_goal" data-done="no"' in page
    portfolio = client.get("/csm/").get_data(as_text=True)
    onboarding = portfolio[portfolio.index('data-testid="onboarding-list"'):portfolio.index("Advocates")]
    assert 'data-onboarding-account="NEW"' in onboarding
    attention = portfolio[portfolio.index("Needs attention"):portfolio.index('id="onboarding-h"')]
    assert "Newcomer GmbH" not in attention
    health = api(world["admin"]).get("/api/v1/accounts/NEW/health").get_json()
    assert health["onboarding"] is True and health["band"] in ("red", "yellow", "green")
    assert health["scored_from"] == (TODAY + timedelta(days=14)).isoformat()
    assert api(world["admin"]).get("/api/v1/accounts/ALPHA/health").get_json()["onboarding"] is False


@pytest.mark.parametrize("start, end, expires, message", [
    (TODAY, TODAY + timedelta(days=3), "14", "cannot end in the future"),
    (TODAY - timedelta(days=400), TODAY - timedelta(days=1), "14", "at most 366 days"),
    (TODAY - timedelta(days=10), TODAY - timedelta(days=20), "14", "must not be after its last day"),
    (TODAY - timedelta(days=30), TODAY - timedelta(days=1), "91", "Choose 1 to 90 days"),
    ("31/12/2026", TODAY, "14", "Enter the first day"),
    (TODAY - timedelta(days=30), TODAY - timedelta(days=1), "ninety", "Choose 1 to 90 days"),
])
def test_bad_review_input_gets_a_sentence_and_stores_nothing(app, client, world, start, end, expires, message):
    sign_in(client, world["csm_a"])
    response = client.post("/accounts/ALPHA/share", data={"start": str(start), "end": str(end), "note": "",
                                                          "expires_in_days": expires})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True) or "Not a valid" in response.get_data(as_text=True)
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(ShareLink)) == 0


@pytest.mark.parametrize("path, status", [
    ("/share/not-a-token", 404), ("/share/not-a-token/charts/active_users.json", 404),
    ("/share/" + "x" * 500, 404),
])
def test_unknown_review_links_answer_a_page_not_a_500(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert "review link" in response.get_data(as_text=True)


def test_a_revoked_links_charts_are_gone_too(app, client, world, story):
    sign_in(client, world["csm_a"])
    created = client.post("/accounts/ALPHA/share", data={"start": str(TODAY - timedelta(days=30)),
                                                         "end": str(TODAY - timedelta(days=1)), "expires_in_days": "14"})
    token = re.search(r"/share/([A-Za-z0-9_-]{40,})", created.get_data(as_text=True)).group(1)
    visitor = app.test_client()
    assert visitor.get(f"/share/{token}/charts/health_history.json").status_code == 200
    assert visitor.get(f"/share/{token}/charts/secrets.json").status_code == 404
    with app.app_context():
        link_id = Session.scalar(select(ShareLink.id))
    client.post(f"/accounts/ALPHA/share/{link_id}/revoke")
    assert visitor.get(f"/share/{token}/charts/health_history.json").status_code == 410
    assert visitor.get(f"/share/{token}").status_code == 410
