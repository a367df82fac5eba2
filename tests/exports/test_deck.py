"""The review as a PowerPoint deck: native charts whose data equals the share link's snapshot."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from pptx import Presentation
from sqlalchemy import select

from models.db import Session, utcnow
from models.health import HealthScore, ShareLink
from models.maturity import AssessmentRound
from models.plans import PlanMetric, PlanReading
from models.usage import KeyFeature
from core.branding import set_brand
from surveys.maturity import services as maturity_services
from tests.conftest import sign_in
from tests.health.helpers import add_answer, add_usage, days_back
from tests.maturity.conftest import levels_for

TODAY = utcnow().date()
TITLES = ["Value summary: success plan goals", "Usage", "Adoption of key features", "Health", "NPS", "Maturity",
          "Next steps"]


def _charts(prs) -> dict[str, object]:
    """Every chart of the deck by its title."""
    found = {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                found[shape.chart.chart_title.text_frame.text] = shape.chart
    return found


def _series(chart) -> tuple[list, dict[str, list]]:
    plot = chart.plots[0]
    return list(plot.categories), {s.name: list(s.values) for s in plot.series}


def _review_world(app, world, create_user):
    """Usage in both periods, answers, health scores, a key feature and a plan goal for ALPHA."""
    account = world["account_a"]
    people = [create_user("customer", account=account, password=None) for _ in range(3)]
    with app.app_context():
        add_usage(account, people, days_back(TODAY - timedelta(days=1), 29, 0))
        add_usage(account, people[:1], days_back(TODAY - timedelta(days=31), 29, 0))
        for n, score in enumerate([10, 9, 3, 8]):
            add_answer(account, f"p{n}@alpha.test", score, TODAY - timedelta(days=5 + n))
        add_answer(account, "p0@alpha.test", 2, TODAY - timedelta(days=40))
        for k in (25, 15, 5):
            Session.add(HealthScore(account_id=account.id, as_of=TODAY - timedelta(days=k), score=60.0 + k, band="yellow",
                                    components_json=json.dumps([
                                        {"name": "adoption", "weight": 0.5, "score": 40.0, "contribution": 20.0,
                                         "explanation": "Two of five key features are used."},
                                        {"name": "sentiment", "weight": 0.5, "score": 80.0, "contribution": 40.0,
                                         "explanation": "NPS is 25."}]), arr=account.arr))
        Session.add(KeyFeature(feature="dashboards", name="Dashboards"))
        metric = PlanMetric(account_id=account.id, name="Lead conversion", unit="%", source="reported",
                            baseline_value=10, baseline_date=TODAY - timedelta(days=90), target_value=20,
                            target_date=TODAY + timedelta(days=90))
        Session.add(metric)
        Session.flush()
        Session.add(PlanReading(account_id=account.id, metric_id=metric.id, day=TODAY - timedelta(days=3), value=12.0,
                                entered_by_id=people[0].id))
        set_brand(name="Northwind Analytics")
        Session.commit()
        # A maturity self-assessment at level 3, taken ten days ago, through the real services.
        maturity_services.save_model(maturity_services.document.default_document(), None, drop_unknown_features=True)
        response = maturity_services.start_response(account, people[0])
        maturity_services.save_answers(response, people[0],
                                       levels_for(Session.get(AssessmentRound, response.round_id).model, 3))
        maturity_services.submit_response(response, people[0])
        assessment_round = Session.get(AssessmentRound, response.round_id)
        assessment_round.taken_on = TODAY - timedelta(days=10)
        Session.commit()


def _share(client, world) -> str:
    sign_in(client, world["csm_a"])
    page = client.post("/accounts/ALPHA/share", data={
        "start": (TODAY - timedelta(days=30)).isoformat(), "end": (TODAY - timedelta(days=1)).isoformat(),
        "note": "Quarterly review", "expires_in_days": "14"})
    return re.search(r"/share/([A-Za-z0-9_-]{40,})", page.get_data(as_text=True)).group(1)


def test_deck_charts_equal_the_share_links_figures(app, world, client, create_user):
    """Anyone with the link downloads a deck whose native charts hold the snapshot's numbers."""
    _review_world(app, world, create_user)
    token = _share(client, world)
    response = app.test_client().get(f"/share/{token}/deck.pptx")
    assert response.status_code == 200 and response.mimetype.endswith("presentationml.presentation")
    with app.app_context():
        snapshot = json.loads(Session.scalar(select(ShareLink.snapshot_json)))
    prs = Presentation(io.BytesIO(response.data))
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert titles == ["Alpha Inc: business review"] + TITLES
    text = " ".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame)
    assert "Northwind Analytics" in text
    assert not any(shape.shape_type == 13 for slide in prs.slides for shape in slide.shapes)  # no pictures
    charts = _charts(prs)

    days, usage = _series(charts["Daily active users (people per day)"])
    assert usage["This period"] == snapshot["daily_active_users"] and len(days) == 30
    assert usage["Previous period (same day of the period)"] == snapshot["previous_daily_active_users"]
    assert sum(usage["This period"]) == 90 and sum(usage["Previous period (same day of the period)"]) == 30

    _, nps = _series(charts["NPS (points, -100 to 100)"])
    assert nps["NPS"] == [snapshot["previous_figures"]["nps"], snapshot["current_figures"]["nps"]] == [-100.0, 25.0]

    days, health = _series(charts["Health score over the period (0 to 100)"])
    assert list(zip(days, health["Health score"])) == [tuple(pair) for pair in snapshot["health_history"]]
    names, components = _series(charts["Components at the period's end (0 to 100)"])
    assert names == ["Key-feature adoption", "Sentiment (NPS)"] and components["Score"] == [40.0, 80.0]

    features, adoption = _series(charts["People who used each key feature in the period"])
    assert features == [row["name"] for row in snapshot["figures"]["adoption"]] == ["Dashboards"]
    assert adoption["People"] == [row["users"] for row in snapshot["figures"]["adoption"]]

    goals, progress = _series(charts[f"Progress toward target on {snapshot['period']['end']} (%)"])
    assert goals == ["Lead conversion"] and progress["Progress (%)"] == [snapshot["plan"][0]["progress_percent"]] == [20.0]
    rounds, levels = _series(charts["Overall maturity level (1 to 5)"])
    assert rounds == [r["taken_on"] for r in snapshot["maturity"]["rounds"]] == [(TODAY - timedelta(days=10)).isoformat()]
    assert levels["Level"] == [r["level"] for r in snapshot["maturity"]["rounds"]] == [3]
    assert "level 3 (Defined) of 5" in text
    assert "Bring “Lead conversion” back on track" in text
    assert "Improve key-feature adoption: Two of five key features are used." in text


def test_deck_link_rules_follow_the_review_page(app, world, client, create_user):
    """A made-up link is 404, a revoked one 410; staff download a fresh deck, customers get 403."""
    token = _share(client, world)
    assert app.test_client().get("/share/" + "x" * 43 + "/deck.pptx").status_code == 404
    link_id = Session.scalar(select(ShareLink.id))
    client.post(f"/accounts/ALPHA/share/{link_id}/revoke")
    assert app.test_client().get(f"/share/{token}/deck.pptx").status_code == 410
    staff = client.get("/accounts/ALPHA/review.pptx")
    assert staff.status_code == 200
    prs = Presentation(io.BytesIO(staff.data))
    assert len(prs.slides) == 8 and "No success plan goals" in " ".join(
        s.text_frame.text for s in prs.slides[1].shapes if s.has_text_frame)
    assert client.get("/accounts/ALPHA/review.pptx?start=2026-05-02&end=2026-05-01").status_code == 422
    year_one = client.get("/accounts/ALPHA/review.pptx?start=0001-01-01&end=0001-03-31")  # no quarter before it
    assert year_one.status_code == 422 and "on or after 1900-01-01" in year_one.get_data(as_text=True)
    customer = app.test_client()
    sign_in(customer, world["customer_a"])
    assert customer.get("/accounts/ALPHA/review.pptx").status_code == 403
