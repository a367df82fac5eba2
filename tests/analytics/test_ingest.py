"""POST /api/v1/events: validation, all-or-nothing, idempotency, users, rights."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from analytics.usage.rollups import today_horizon
from models.accounts import Account, User
from models.db import Session
from models.usage import UsageAccountDay, UsageEvent, UsageUserDay
from tests.analytics.conftest import iso


def _event(n, account="ALPHA", user="u1", type_="login", ts=None, **extra):
    event = {"id": f"e{n}", "account": account, "user": user, "type": type_,
             "ts": ts or iso(datetime.now(timezone.utc) - timedelta(hours=1))}
    event.update(extra)
    return event


def _stored(app) -> int:
    with app.app_context():
        return Session.scalar(select(func.count()).select_from(UsageEvent))


def test_valid_batch_is_accepted_and_rolled_up(app, post_events, world, recent):
    events = [
        _event(1, user="u1", ts=iso(recent(1, 9))),
        _event(2, user="u1", type_="feature_used", feature="dashboards", ts=iso(recent(1, 10))),
        _event(3, user="u2", type_="report_run", ts=iso(recent(1, 11))),
        _event(4, user="u2", type_="page_view", ts=iso(recent(2, 11))),
    ]
    response = post_events(events)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"accepted": 4, "duplicates": 0}
    with app.app_context():
        day = recent(1).date()
        row = Session.get(UsageAccountDay, (world["account_a"].id, day))
        assert (row.active_users, row.logins, row.events, row.reports_run) == (2, 1, 3, 1)


def test_sending_the_same_ids_again_counts_duplicates_and_changes_no_figure(app, post_events, world, recent):
    events = [_event(n, user=f"u{n % 3}", ts=iso(recent(1, 8 + n))) for n in range(6)]
    assert post_events(events).get_json() == {"accepted": 6, "duplicates": 0}
    with app.app_context():
        before = Session.get(UsageAccountDay, (world["account_a"].id, recent(1).date())).events
    again = post_events(events + [_event(99, ts=iso(recent(1, 20)))])
    assert again.get_json() == {"accepted": 1, "duplicates": 6}
    with app.app_context():
        after = Session.get(UsageAccountDay, (world["account_a"].id, recent(1).date())).events
    assert after == before + 1


def test_duplicate_ids_inside_one_batch_count_as_duplicates(app, post_events):
    response = post_events([_event(1), _event(1), _event(2)])
    assert response.get_json() == {"accepted": 2, "duplicates": 1}
    assert _stored(app) == 2


def test_the_same_id_in_two_accounts_is_two_events(app, post_events):
    response = post_events([_event(1, account="ALPHA"), _event(1, account="BETA")])
    assert response.get_json() == {"accepted": 2, "duplicates": 0}


FUTURE = iso(datetime.now(timezone.utc) + timedelta(hours=2))
BAD_ITEMS = [
    pytest.param({"type": "launch"}, "type", id="unknown-type"),
    pytest.param({"type": ["login"]}, "type", id="type-list"),
    pytest.param({"type": "feature_used", "feature": {"k": 1}}, "feature", id="feature-object"),
    pytest.param({"ts": "2026-01-05T10:00:00+25:00"}, "ts", id="ts-offset-out-of-range"),
    pytest.param({"ts": "0001-01-01T00:30:00+01:00"}, "ts", id="ts-before-year-one-in-utc"),
    pytest.param({"type": "feature_used"}, "feature", id="feature-missing"),
    pytest.param({"type": "feature_used", "feature": ""}, "feature", id="feature-empty"),
    pytest.param({"feature": 7}, "feature", id="feature-not-string"),
    pytest.param({"ts": "2026-01-05T10:00:00"}, "ts", id="ts-without-offset"),
    pytest.param({"ts": "yesterday"}, "ts", id="ts-not-iso"),
    pytest.param({"ts": 1767600000}, "ts", id="ts-number"),
    pytest.param({"ts": FUTURE}, "ts", id="ts-in-future"),
    pytest.param({"ts": "2001-01-01T00:00:00Z"}, "ts", id="ts-before-customer-since"),
    pytest.param({"id": ""}, "id", id="id-empty"),
    pytest.param({"id": 12}, "id", id="id-number"),
    pytest.param({"id": None}, "id", id="id-null"),
    pytest.param({"id": "x" * 201}, "id", id="id-too-long"),
    pytest.param({"account": "NOPE"}, "account", id="account-unknown"),
    pytest.param({"account": 5}, "account", id="account-number"),
    pytest.param({"user": ""}, "user", id="user-empty"),
    pytest.param({"user": ["a"]}, "user", id="user-list"),
    pytest.param({"user": "not an@email@x"}, "user", id="user-bad-email"),
]


@pytest.mark.parametrize("change, field", BAD_ITEMS)
def test_one_bad_item_rejects_the_whole_batch(app, post_events, change, field):
    bad = {**_event(2), **change}
    response = post_events([_event(1, user="new-person"), bad, _event(3)])
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["index"] == 1
    assert body["errors"][0]["field"] == field
    assert body["errors"][0]["message"]
    assert _stored(app) == 0
    with app.app_context():
        assert Session.scalar(select(User).where(User.external_id == "new-person")) is None


def test_missing_keys_are_each_reported(app, post_events):
    response = post_events([{}])
    assert response.status_code == 422
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"id", "account", "user", "type", "ts"}


def test_an_item_that_is_not_an_object_is_refused(app, post_events):
    response = post_events([_event(1), "login"])
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"index": 1, "field": "", "message": response.get_json()["errors"][0]["message"]}]


@pytest.mark.parametrize("body", [{"event": []}, [], {"events": {}}, {"events": "x"}, "text", 3])
def test_a_body_without_an_events_array_is_422(app, api, world, body):
    response = api(world["admin"]).post("/api/v1/events", json=body)
    assert response.status_code == 422
    assert "events" in response.get_json()["error"]


def test_malformed_json_is_400_and_other_content_types_415(app, client, api, world):
    admin_api = api(world["admin"])
    response = client.post("/api/v1/events", data="{nope", headers={**admin_api.headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    response = client.post("/api/v1/events", data="id,account", headers={**admin_api.headers, "Content-Type": "text/csv"})
    assert response.status_code == 415


def test_more_than_ten_thousand_events_is_413(app, post_events):
    response = post_events([_event(n) for n in range(10_001)])
    assert response.status_code == 413
    assert _stored(app) == 0


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_customer_and_csm_tokens_may_not_post_events(app, api, world, role):
    response = api(world[role]).post("/api/v1/events", json={"events": [_event(1)]})
    assert response.status_code == 403
    assert _stored(app) == 0


def test_posting_without_a_token_is_401(app, client):
    assert client.post("/api/v1/events", json={"events": []}).status_code == 401


def test_users_are_matched_by_vendor_id_or_email_and_created_otherwise(app, post_events, world, create_user):
    known = world["customer_a"]
    with app.app_context():
        Session.get(User, known.id).external_id = "V-42"
        Session.commit()
    response = post_events([
        _event(1, user="V-42"),
        _event(2, user=known.email.upper()),
        _event(3, user="brand-new"),
        _event(4, user="brand-new"),
        _event(5, user="Pat@Example.org"),
    ])
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        user_ids = set(Session.scalars(select(UsageEvent.user_id)).all())
        created = Session.scalar(select(User).where(User.external_id == "brand-new"))
        by_mail = Session.scalar(select(User).where(User.email == "pat@example.org"))
        assert created.role == "customer" and created.account_id == world["account_a"].id
        assert created.password_hash is None
        assert by_mail.account_id == world["account_a"].id and by_mail.password_hash is None
        assert user_ids == {known.id, created.id, by_mail.id}


def test_an_email_of_another_accounts_user_is_refused(app, post_events, world):
    response = post_events([_event(1, user=world["customer_b"].email)])
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "user"


def test_ingestion_bumps_the_accounts_data_change_time(app, post_events, world, recent):
    with app.app_context():
        before = Session.get(Account, world["account_a"].id).data_changed_at
    post_events([_event(1, ts=iso(recent(1)))])
    with app.app_context():
        Session.expire_all()
        after = Session.get(Account, world["account_a"].id).data_changed_at
        other = Session.get(Account, world["account_b"].id).data_changed_at
    naive = lambda moment: moment.replace(tzinfo=None)  # SQLite gives naive UTC back
    assert naive(after) > naive(before)
    assert naive(other) == naive(world["account_b"].data_changed_at)


def test_events_in_late_utc_evening_with_offsets_land_on_their_utc_day(app, post_events, world, recent):
    moment = recent(3, 23, 30)  # 23:30 UTC, sent as 01:30 the next day in +02:00
    sent = moment.astimezone(timezone(timedelta(hours=2))).isoformat()
    post_events([_event(1, ts=sent)])
    with app.app_context():
        row = Session.scalar(select(UsageUserDay))
        assert row.day == moment.date()


def test_a_batch_of_todays_events_moves_only_the_today_marker(app, post_events, world, recent):
    """Figures up to yesterday stay cached while events of today arrive; an event of an earlier day refreshes them."""
    def marks():
        with app.app_context():
            Session.expire_all()
            account = Session.get(Account, world["account_a"].id)
            return naive(account.data_changed_at), account.usage_today_at and naive(account.usage_today_at)

    naive = lambda moment: moment.replace(tzinfo=None)  # SQLite gives naive UTC back
    changed, today_mark = marks()
    assert today_mark is None
    moment = datetime.now(timezone.utc)
    with app.app_context():
        history = moment.date() < today_horizon()  # in the last minutes of a day, today counts as history
    post_events([_event(1, ts=iso(moment))])
    after_today, today_mark = marks()
    assert today_mark is not None and today_mark > changed
    assert (after_today > changed) if history else (after_today == changed)
    post_events([_event(2, ts=iso(recent(3)))])
    after_history, second_mark = marks()
    assert after_history > after_today and second_mark > today_mark
