"""Segment's and RudderStack's own Python libraries feed usage through /api/segment; the figures equal a hand count."""
from __future__ import annotations

import pytest
from rudderstack.analytics.client import Client as RudderClient
from segment.analytics.client import Client as SegmentClient
from sqlalchemy import select

from models.accounts import User


def _segment(write_key: str, url: str, errors: list):
    return SegmentClient(write_key=write_key, host=f"{url}/api/segment", sync_mode=True,
                         on_error=lambda error, batch: errors.append(error), max_retries=0)


def _rudder(write_key: str, url: str, errors: list):
    # RudderStack's client gzips its bodies by default; that is part of what is tested.
    return RudderClient(write_key=write_key, host=f"{url}/api/segment", sync_mode=True,
                        on_error=lambda error, batch: errors.append(error), max_retries=0)


def _send_story(client, days_ago):
    """A hand-countable story for account ALPHA: ann and bob, three days, every kind of call."""
    # Bob's track arrives before his group call: it waits, then is placed when the group call comes.
    client.track(user_id="bob", event="Report Exported", timestamp=days_ago(2, 9), message_id="m-b1")
    client.group(user_id="ann", group_id="ALPHA", timestamp=days_ago(3, 8), message_id="m-g1")
    client.identify(user_id="ann", traits={"email": "ann@alpha.example", "name": "Ann Example"},
                    timestamp=days_ago(3, 8), message_id="m-i1")
    client.track(user_id="ann", event="Signed In", timestamp=days_ago(3, 9), message_id="m-a1")
    client.track(user_id="ann", event="Report Exported", timestamp=days_ago(3, 10), message_id="m-a2")
    client.track(user_id="ann", event="Dashboard Shared", timestamp=days_ago(3, 11), message_id="m-a3")
    client.page(user_id="ann", name="Home", timestamp=days_ago(3, 12), message_id="m-a4")
    client.track(user_id="ann", event="Report Run", timestamp=days_ago(1, 9), message_id="m-a5")
    client.group(user_id="bob", group_id="ALPHA", timestamp=days_ago(3, 7), message_id="m-g2")
    client.track(user_id="bob", event="Logged In", timestamp=days_ago(1, 8), message_id="m-b2")
    client.track(user_id="bob", event="Report Exported", context={"groupId": "ALPHA"}, timestamp=days_ago(1, 10),
                 message_id="m-b3")
    client.flush()


EXPECTED_DAYS = {
    3: {"active_users": 1, "logins": 1, "events": 4},
    2: {"active_users": 1, "logins": 0, "events": 1},
    1: {"active_users": 2, "logins": 1, "events": 3},
}
EXPECTED_FEATURES = [
    {"feature": "dashboard_shared", "users": 1, "events": 1},
    {"feature": "report_exported", "users": 2, "events": 3},
]


def _usage(api, world, days_ago):
    start, end = days_ago(4).date(), days_ago(0).date()
    response = api(world["admin"]).get(f"/api/v1/accounts/ALPHA/usage?start={start}&end={end}")
    assert response.status_code == 200
    return response.get_json()


def _check_hand_count(body, days_ago):
    by_date = {day["date"]: day for day in body["days"]}
    for days, expected in EXPECTED_DAYS.items():
        key = days_ago(days).date().isoformat()
        assert by_date[key] == {"date": key, **expected}
    assert sum(day["events"] for day in body["days"]) == 8
    assert sorted(body["features"], key=lambda f: f["feature"]) == EXPECTED_FEATURES


@pytest.mark.parametrize("make_client", [_segment, _rudder], ids=["segment", "rudderstack"])
def test_real_client_feeds_usage_equal_to_a_hand_count(make_client, served, write_key, api, world, days_ago, db):
    """group, identify, track and page from the library; a resend of everything changes no figure."""
    errors: list = []
    client = make_client(write_key, served, errors)
    _send_story(client, days_ago)
    assert errors == []
    body = _usage(api, world, days_ago)
    _check_hand_count(body, days_ago)
    ann = db.scalar(select(User).where(User.external_id == "ann"))
    assert (ann.email, ann.name, ann.account_id) == ("ann@alpha.example", "Ann Example", world["account_a"].id)
    db.rollback()  # SQLite: end the read transaction, whose write lock would hold the server's requests

    _send_story(make_client(write_key, served, errors), days_ago)  # everything again: nothing changes
    assert errors == []
    assert _usage(api, world, days_ago) == body


@pytest.mark.parametrize("make_client", [_segment, _rudder], ids=["segment", "rudderstack"])
def test_a_customer_token_as_write_key_is_refused_and_nothing_stored(make_client, served, api, api_token, world,
                                                                     days_ago):
    errors: list = []
    client = make_client(api_token(world["customer_a"]), served, errors)
    with pytest.raises(Exception) as refused:  # in sync mode the library raises its APIError
        client.track(user_id="ann", event="Signed In", context={"groupId": "ALPHA"}, timestamp=days_ago(1),
                     message_id="x-1")
    assert refused.value.status == 401
    assert sum(day["events"] for day in _usage(api, world, days_ago)["days"]) == 0


def test_rudderstack_client_sends_gzip_by_default(write_key):
    """The RudderStack default this suite relies on to test gzip bodies."""
    assert RudderClient(write_key=write_key, sync_mode=True).gzip is True
