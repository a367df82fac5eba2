"""Health recompute on the database, the CLI and the API, against hand computations."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from analytics.health.recompute import recompute
from models.db import Session
from models.health import HealthScore
from tests.health.helpers import add_answer, add_usage, days_back

AS_OF = date(2026, 6, 30)


@pytest.fixture
def scored_account(app, create_account, create_user):
    """An account with 10 seats: 4 users active the last 28 days, 5 the 28 before; one promoter and one detractor."""
    account = create_account(name="Scored", seats=10, customer_since=AS_OF - timedelta(days=300))
    users = [create_user("customer", account=account) for _ in range(5)]
    with app.app_context():
        add_usage(account, users[:4], days_back(AS_OF, 27, 0))
        add_usage(account, users, days_back(AS_OF, 55, 28))
        add_answer(account, "a@x.test", 10, AS_OF - timedelta(days=10))
        add_answer(account, "b@x.test", 3, AS_OF - timedelta(days=100))
    return account


def expected_score() -> float:
    """By hand: utilisation 4/10 = 40% → 50; user-days 112 vs 140 = −20% → 30; usage 0.6·50+0.4·30 = 42.
    NPS: 1 promoter, 1 detractor of 2 → 0 → sentiment 50. Weights 30 and 15 → 42·2/3 + 50·1/3 = 44.67."""
    return round(42 * 30 / 45 + 50 * 15 / 45, 1)


def test_recompute_matches_the_hand_computation(app, scored_account):
    """The stored score, band and components are those computed by hand."""
    with app.app_context():
        summary = recompute(AS_OF)
        Session.commit()
        row = Session.scalar(select(HealthScore).where(HealthScore.account_id == scored_account.id))
    assert summary["accounts"] == 1
    assert row.as_of == AS_OF and row.score == expected_score() and row.band == "yellow"
    components = {c["name"]: c for c in json.loads(row.components_json)}
    assert set(components) == {"usage", "sentiment"}
    assert components["usage"]["score"] == 42.0 and components["sentiment"]["score"] == 50.0
    assert abs(sum(c["contribution"] for c in components.values()) - row.score) <= 0.5


def test_recompute_twice_the_same_day_keeps_one_row(app, scored_account):
    """Running recompute again for a day replaces that day's row."""
    with app.app_context():
        recompute(AS_OF)
        recompute(AS_OF)
        Session.commit()
        rows = Session.scalars(select(HealthScore)).all()
    assert len(rows) == 1


def test_cli_recompute_stores_history(app, scored_account):
    """`health recompute --as-of` stores the score of that day."""
    result = app.test_cli_runner().invoke(args=["health", "recompute", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Health of 1 accounts computed for 2026-06-30" in result.output
    with app.app_context():
        assert Session.scalar(select(HealthScore.score)) == expected_score()


@pytest.mark.parametrize("as_of, words", [("30/06/2026", "YYYY-MM-DD"), ("9999-12-31", "9998-12-31"),
                                          ("0001-01-01", "0002-01-01")])
def test_cli_recompute_refuses_a_bad_date(app, scored_account, as_of, words):
    """A malformed date or one at an end of the calendar (no room for the year looked back): exit 1, one line,
    nothing stored."""
    result = app.test_cli_runner().invoke(args=["health", "recompute", "--as-of", as_of])
    assert result.exit_code == 1
    assert words in result.output and len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert Session.scalars(select(HealthScore)).all() == []


def test_api_health_gives_the_stored_score(app, scored_account, api, create_user):
    """The API answers the latest stored score with its components; contributions add up."""
    with app.app_context():
        recompute(AS_OF)
        Session.commit()
    customer = create_user("customer", account=scored_account)
    body = api(customer).get(f"/api/v1/accounts/{scored_account.external_id}/health").get_json()
    assert body["score"] == expected_score() and body["band"] == "yellow" and body["as_of"] == "2026-06-30"
    assert {c["name"] for c in body["components"]} == {"usage", "sentiment"}
    assert all(set(c) == {"name", "weight", "score", "contribution", "explanation"} for c in body["components"])
    assert abs(sum(c["contribution"] for c in body["components"]) - body["score"]) <= 0.5


def test_api_health_computes_now_when_nothing_is_stored(app, world, api):
    """Without history the API computes today's score: no usage at all scores 0, red."""
    body = api(world["csm_a"]).get("/api/v1/accounts/ALPHA/health").get_json()
    assert body["band"] == "red" and body["score"] == 0
    assert body["components"][0]["name"] == "usage"
    assert "0 of 20 licensed seats" in body["components"][0]["explanation"]


def test_api_health_hides_other_accounts(app, world, api):
    """A CSM's token on another CSM's account gets 404, like an unknown account."""
    assert api(world["csm_a"]).get("/api/v1/accounts/BETA/health").status_code == 404
    assert api(world["csm_a"]).get("/api/v1/accounts/NOPE/health").status_code == 404


def test_openapi_describes_the_health_route(app, client):
    """The OpenAPI document lists the health route."""
    assert "/api/v1/accounts/{ext}/health" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_adoption_by_hand(app, create_account, create_user):
    """Two key features, one used by 2 of the 4 active people, the other by none: share 25% → adoption 50."""
    from sqlalchemy import insert

    from models.usage import KeyFeature, UsageUserFeatureDay

    account = create_account(seats=10, customer_since=AS_OF - timedelta(days=300))
    users = [create_user("customer", account=account, password=None) for _ in range(4)]
    with app.app_context():
        add_usage(account, users, days_back(AS_OF, 27, 0))
        Session.add_all([KeyFeature(feature="reports", name="Reports"), KeyFeature(feature="alerts", name="Alerts")])
        Session.execute(insert(UsageUserFeatureDay), [
            {"account_id": account.id, "user_id": u.id, "feature": "reports", "day": d, "events": 2}
            for u in users[:2] for d in days_back(AS_OF, 5, 0)] + [
            {"account_id": account.id, "user_id": users[0].id, "feature": "search", "day": AS_OF, "events": 9}])
        Session.commit()
        recompute(AS_OF)
        Session.commit()
        components = {c["name"]: c for c in json.loads(Session.scalar(select(HealthScore.components_json)))}
    assert components["adoption"]["score"] == 50.0
    assert "1 of the 2 key features were used" in components["adoption"]["explanation"]
    assert "each was used by 25% of the people active" in components["adoption"]["explanation"]


def test_an_onboarding_account_gets_no_band_and_no_usage_warning(app, create_account, create_user, scored_account):
    """A customer of 300 days whose product sent its first events 5 days ago, with 1 of 10 seats used and no
    login since: onboarding, so no stored score, no low-utilisation or no-login warning; once 14 days of data
    exist (recomputing a later day) it is scored like any other."""
    from models.health import HealthWarning

    new = create_account(name="Fresh", seats=10, customer_since=AS_OF - timedelta(days=300))
    person = create_user("customer", account=new)
    with app.app_context():
        add_usage(new, [person], [AS_OF - timedelta(days=5)], logins=0)
        summary = recompute(AS_OF)
        Session.commit()
        stored = set(Session.scalars(select(HealthScore.account_id).where(HealthScore.as_of == AS_OF)))
        warned = set(Session.scalars(select(HealthWarning.kind).where(HealthWarning.account_id == new.id)))
        later = recompute(AS_OF + timedelta(days=9))
        Session.commit()
        scored_later = set(Session.scalars(select(HealthScore.account_id).where(HealthScore.as_of == AS_OF + timedelta(days=9))))
    assert summary["accounts"] == 1 and stored == {scored_account.id}
    assert warned == set()
    assert later["accounts"] == 2 and new.id in scored_later
