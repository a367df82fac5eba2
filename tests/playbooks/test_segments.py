"""Segment rules: validation with clear messages, and set-based evaluation on both databases."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from sqlalchemy import select

from analytics.playbooks.segments import SegmentError, members, parse_rules
from models.db import Session, utcnow
from models.maturity import AssessmentRound, MaturityModel
from models.surveys import SurveyResponse
from models.usage import UsageUserDay
from tests.playbooks.conftest import add_feature, add_health, days_ago, use_feature


@pytest.fixture
def accounts(app, create_account, create_user):
    """Alpha thrives (green, rising, busy, promoter, level 4); Beta struggles (red, falling, idle, detractor, level 2)."""
    today = utcnow().date()
    alpha = create_account(name="Alpha", external_id="ALPHA", arr=900000, seats=4, renewal_date=today + timedelta(days=200),
                           customer_since=today - timedelta(days=400))
    beta = create_account(name="Beta", external_id="BETA", arr=10000, seats=10, renewal_date=today + timedelta(days=45),
                          customer_since=today - timedelta(days=20))
    alpha_users = [create_user("customer", account=alpha) for _ in range(3)]
    beta_user = create_user("customer", account=beta)
    with app.app_context():
        add_feature("reports")
        add_health(alpha.id, days_ago(30), 50, "yellow")
        add_health(alpha.id, days_ago(0), 80, "green")
        add_health(beta.id, days_ago(30), 60, "yellow")
        add_health(beta.id, days_ago(0), 30, "red")
        for n, user in enumerate(alpha_users):
            Session.add(UsageUserDay(account_id=alpha.id, user_id=user.id, day=days_ago(n + 1), events=5))
        Session.add(UsageUserDay(account_id=beta.id, user_id=beta_user.id, day=days_ago(3), events=1))
        use_feature(alpha.id, "reports", days_ago(5))
        use_feature(beta.id, "reports", days_ago(60))
        ts = datetime.combine(days_ago(10), time(12), tzinfo=timezone.utc)
        Session.add(SurveyResponse(account_id=alpha.id, client_id="a1", respondent="x@alpha", score=10, ts=ts))
        Session.add(SurveyResponse(account_id=beta.id, client_id="b1", respondent="y@beta", score=3, ts=ts))
        model = MaturityModel(version=1)
        Session.add(model)
        Session.flush()
        Session.add(AssessmentRound(account_id=alpha.id, model_id=model.id, overall_level=4, taken_on=days_ago(5)))
        Session.add(AssessmentRound(account_id=beta.id, model_id=model.id, overall_level=2, taken_on=days_ago(5)))
        Session.commit()
    return {"alpha": alpha, "beta": beta}


CASES = [
    ({"kind": "tier", "in": ["top"]}, ["ALPHA"]),
    ({"kind": "tier", "in": ["scalable", "leveraged"]}, ["BETA"]),
    ({"kind": "health_band", "in": ["red"]}, ["BETA"]),
    ({"kind": "health_band", "in": ["green", "yellow"]}, ["ALPHA"]),
    ({"kind": "health_trend", "direction": "down", "points": 20, "days": 30}, ["BETA"]),
    ({"kind": "health_trend", "direction": "up", "points": 20, "days": 30}, ["ALPHA"]),
    ({"kind": "health_trend", "direction": "up", "points": 40, "days": 30}, []),
    ({"kind": "seat_utilisation", "op": "<", "percent": 30}, ["BETA"]),
    ({"kind": "seat_utilisation", "op": ">=", "percent": 75}, ["ALPHA"]),
    ({"kind": "feature_unused", "feature": "reports", "days": 30}, ["BETA"]),
    ({"kind": "feature_used", "feature": "reports", "days": 90}, ["ALPHA", "BETA"]),
    ({"kind": "nps_category", "in": ["detractor"], "days": 30}, ["BETA"]),
    ({"kind": "nps_category", "in": ["promoter", "passive"], "days": 30}, ["ALPHA"]),
    ({"kind": "nps_category", "in": ["detractor"], "days": 5}, []),
    ({"kind": "maturity_level", "dimension": "overall", "op": "<=", "level": 2}, ["BETA"]),
    ({"kind": "maturity_level", "dimension": "Overall", "op": ">=", "level": 3}, ["ALPHA"]),
    ({"kind": "days_to_renewal", "op": "<=", "days": 90}, ["BETA"]),
    ({"kind": "days_to_renewal", "op": ">=", "days": 90}, ["ALPHA"]),
    ({"kind": "customer_for_days", "op": ">=", "days": 30}, ["ALPHA"]),
    ({"kind": "customer_since", "op": "after", "date": (utcnow().date() - timedelta(days=30)).isoformat()}, ["BETA"]),
]


@pytest.mark.parametrize("rule, expected", CASES, ids=[f"{c[0]['kind']}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_selects_the_accounts_it_describes(app, accounts, rule, expected):
    with app.app_context():
        found = members(parse_rules({"rules": [rule]}))
        assert [a.external_id for a in found] == expected


def test_rules_combine_with_and_and_churned_accounts_are_never_members(app, accounts):
    with app.app_context():
        rules = parse_rules({"rules": [{"kind": "health_band", "in": ["red", "green"]},
                                       {"kind": "days_to_renewal", "op": "<=", "days": 90}]})
        assert [a.external_id for a in members(rules)] == ["BETA"]
        beta = Session.get(type(accounts["beta"]), accounts["beta"].id)
        beta.status, beta.churned_on = "churned", days_ago(1)
        Session.commit()
        assert members(rules) == []


@pytest.mark.parametrize("rule, message", [
    ({"kind": "feature_unused", "feature": "teleport", "days": 30}, "There is no feature 'teleport'. Known key features: reports."),
    ({"kind": "maturity_level", "dimension": "Telepathy", "op": "<=", "level": 2}, "There is no maturity dimension 'Telepathy'"),
    ({"kind": "maturity_level", "dimension": "overall", "op": "<=", "level": 12}, "The maturity level must be a whole number from 1 to 5"),
    ({"kind": "tier", "in": ["gold"]}, "The tiers must be a list of one or more of: top, leveraged, scalable."),
    ({"kind": "nps_category", "in": ["detractor"], "days": "30"}, "The days must be a whole number"),
    ({"kind": "weather"}, "Every rule needs a 'kind'"),
    ({"kind": "customer_since", "op": "after", "date": "yesterday"}, "'date' written YYYY-MM-DD"),
])
def test_invalid_rules_are_refused_with_a_clear_message(app, accounts, rule, message):
    with app.app_context():
        with pytest.raises(SegmentError) as refused:
            parse_rules({"rules": [{"kind": "tier", "in": ["top"]}, rule]})
    assert str(refused.value).startswith("Rule 2: ")
    assert message in str(refused.value)


def test_malformed_json_is_refused_with_its_position(app):
    with app.app_context():
        with pytest.raises(SegmentError, match="not valid JSON"):
            parse_rules('{"rules": [')


def test_maturity_rule_reads_the_latest_level_of_a_named_dimension(app, accounts):
    from models.maturity import AssessmentRoundLevel, MaturityDimension

    with app.app_context():
        model_id = Session.scalar(select(MaturityModel.id))
        adoption = MaturityDimension(model_id=model_id, position=1, name="Adoption")
        Session.add(adoption)
        Session.flush()
        rounds = {r.account_id: r for r in Session.scalars(select(AssessmentRound))}
        older = AssessmentRound(account_id=accounts["beta"].id, model_id=model_id, overall_level=1,
                                taken_on=days_ago(200), opened_at=utcnow() - timedelta(days=200))
        Session.add(older)
        Session.flush()
        for account_id, round_, level in ((accounts["alpha"].id, rounds[accounts["alpha"].id], 2),
                                          (accounts["beta"].id, rounds[accounts["beta"].id], 4),
                                          (accounts["beta"].id, older, 1)):
            Session.add(AssessmentRoundLevel(round_id=round_.id, dimension_id=adoption.id, account_id=account_id,
                                             level=level, mean=float(level)))
        Session.commit()
        low = parse_rules({"rules": [{"kind": "maturity_level", "dimension": "adoption", "op": "<=", "level": 2}]})
        assert low["rules"][0]["dimension"] == "Adoption"
        # Beta's older round said 1, its latest says 4: only Alpha is low now
        assert [a.external_id for a in members(low)] == ["ALPHA"]
