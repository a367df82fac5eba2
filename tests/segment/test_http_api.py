"""The Segment endpoint's rules: limits, encodings, errors, parking, clock skew, mappings, the debugger."""
from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from analytics.segment.debugger import set_mapping
from models.accounts import User
from models.db import Session
from models.segment import SegmentLog, SegmentParked
from models.usage import UsageEvent


@pytest.fixture
def segment(client, write_key):
    """segment(path, body, **headers) -> response of a POST with the write key as Basic auth."""
    auth = "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()

    def post(path, body, *, raw: bytes | None = None, content_type="application/json", **headers):
        data = raw if raw is not None else json.dumps(body).encode()
        return client.post(f"/api/segment/v1/{path}", data=data, content_type=content_type,
                           headers={"Authorization": auth, **headers})

    return post


def _count(app, model) -> int:
    with app.app_context():
        count = Session.scalar(select(func.count()).select_from(model))
        Session.rollback()
        return count


def _track(n, user="ann", event="Report Exported", **fields):
    return {"type": "track", "messageId": f"m{n}", "userId": user, "event": event,
            "context": {"groupId": "ALPHA"}, "timestamp": "2026-03-10T12:00:00Z", **fields}


def test_a_batch_stores_usage_and_answers_success(app, world, segment):
    response = segment("batch", {"batch": [_track(1), _track(2, event="Signed In")]})
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert _count(app, UsageEvent) == 2


def test_single_calls_have_their_own_paths(app, world, segment):
    track = _track(1)
    del track["type"]
    assert segment("track", track).status_code == 200
    assert segment("page", {"messageId": "p1", "userId": "ann", "name": "Home", "context": {"groupId": "ALPHA"},
                            "timestamp": "2026-03-10T12:00:00Z"}).status_code == 200
    with app.app_context():
        assert sorted(Session.scalars(select(UsageEvent.type))) == ["feature_used", "page_view"]
        Session.rollback()


@pytest.mark.parametrize("who", ["customer_a", "csm_a"])
def test_a_non_admin_write_key_answers_401_and_stores_nothing(app, world, client, api_token, who):
    auth = "Basic " + base64.b64encode(f"{api_token(world[who])}:".encode()).decode()
    response = client.post("/api/segment/v1/batch", json={"batch": [_track(1)]}, headers={"Authorization": auth})
    assert response.status_code == 401 and "write key" in response.get_json()["error"]
    assert _count(app, UsageEvent) == 0


def test_an_unknown_or_missing_write_key_answers_401(app, world, client):
    for headers in ({}, {"Authorization": "Basic " + base64.b64encode(b"csp_made_up:").decode()},
                    {"Authorization": "Basic not-base64!"}):
        assert client.post("/api/segment/v1/batch", json={"batch": []}, headers=headers).status_code == 401


def test_gzip_bodies_are_read(app, world, segment):
    raw = gzip.compress(json.dumps({"batch": [_track(1)]}).encode())
    assert segment("batch", None, raw=raw, **{"Content-Encoding": "gzip"}).status_code == 200
    assert _count(app, UsageEvent) == 1


def test_a_zip_bomb_is_refused_with_413_before_it_inflates(app, world, segment):
    bomb = gzip.compress(b'{"batch": [' + b" " * 50_000_000 + b"]}")
    assert len(bomb) < 100_000
    response = segment("batch", None, raw=bomb, **{"Content-Encoding": "gzip"})
    assert response.status_code == 413 and "500 KB" in response.get_json()["error"]


def test_corrupt_gzip_answers_400(app, world, segment):
    response = segment("batch", None, raw=b"\x1f\x8b\x08garbage", **{"Content-Encoding": "gzip"})
    assert response.status_code == 400


def test_limits_of_segment_413(app, world, segment):
    big = _track(1, properties={"blob": "x" * (33 * 1024)})
    response = segment("batch", {"batch": [_track(2), big]})
    assert response.status_code == 413
    assert _count(app, UsageEvent) == 0  # nothing half-stored
    single = dict(big)
    del single["type"]
    assert segment("track", single).status_code == 413
    many = {"batch": [_track(n, properties={"blob": "x" * 20_000}) for n in range(30)]}
    assert segment("batch", many).status_code == 413


def test_wrong_content_type_415_malformed_400_invalid_422(app, world, segment):
    assert segment("batch", None, raw=b"batch=1", content_type="application/x-www-form-urlencoded").status_code == 415
    assert segment("batch", None, raw=b"{not json").status_code == 400
    assert segment("batch", None, raw=b'{"batch": ' + b"[" * 5000 + b"]" * 5000 + b"}").status_code == 400
    assert segment("batch", {"batch": "nope"}).status_code == 422
    response = segment("batch", {"batch": [_track(1), {"type": "track", "messageId": "x"}, {"type": "boom"}]})
    assert response.status_code == 422
    assert {(e["index"], e["field"]) for e in response.get_json()["errors"]} >= {(1, "userId"), (2, "type")}
    assert _count(app, UsageEvent) == 0


def test_resending_a_message_changes_nothing(app, world, segment, api):
    body = {"batch": [_track(1), _track(2, event="Report Run")]}
    assert segment("batch", body).status_code == 200
    assert segment("batch", body).status_code == 200
    assert _count(app, UsageEvent) == 2
    with app.app_context():
        outcomes = [row.outcome for row in Session.scalars(select(SegmentLog).order_by(SegmentLog.id))]
        Session.rollback()
    assert outcomes == ["stored", "stored", "duplicate", "duplicate"]
    assert segment("batch", {"batch": [_track(1), _track(3)]}).status_code == 200  # a mix of old and new
    with app.app_context():
        latest = [(row.message_id, row.outcome) for row in Session.scalars(select(SegmentLog).order_by(SegmentLog.id))]
        Session.rollback()
    assert latest[-2:] == [("m1", "duplicate"), ("m3", "stored")]
    assert _count(app, UsageEvent) == 3


def test_a_message_waits_for_its_users_group_call_and_says_why(app, world, segment):
    waiting = {"type": "track", "messageId": "w1", "userId": "zoe", "event": "Report Exported",
               "timestamp": "2026-03-10T12:00:00Z"}
    assert segment("batch", {"batch": [waiting]}).status_code == 200
    assert (_count(app, UsageEvent), _count(app, SegmentParked)) == (0, 1)
    with app.app_context():
        row = Session.scalar(select(SegmentLog))
        assert row.outcome == "parked" and "group call of user 'zoe'" in row.reason
        Session.rollback()
    assert segment("batch", {"batch": [waiting]}).status_code == 200  # a resend waits once
    assert _count(app, SegmentParked) == 1
    group = {"type": "group", "messageId": "g1", "userId": "zoe", "groupId": "ALPHA",
             "timestamp": "2026-03-01T12:00:00Z"}
    assert segment("group", group).status_code == 200
    assert (_count(app, UsageEvent), _count(app, SegmentParked)) == (1, 0)


def test_the_latest_group_call_names_the_account(app, world, segment):
    calls = [
        {"type": "group", "messageId": "g1", "userId": "sam", "groupId": "BETA", "timestamp": "2026-03-05T00:00:00Z"},
        {"type": "group", "messageId": "g2", "userId": "sam", "groupId": "ALPHA", "timestamp": "2026-03-01T00:00:00Z"},
        {"type": "track", "messageId": "t1", "userId": "sam", "event": "Signed In",
         "timestamp": "2026-03-10T12:00:00Z"},
    ]
    assert segment("batch", {"batch": calls}).status_code == 200
    with app.app_context():
        assert Session.scalar(select(UsageEvent.account_id)) == world["account_b"].id
        Session.rollback()


def test_clock_skew_is_corrected_with_sent_at(app, world, segment):
    """A device clock an hour fast: originalTimestamp and sentAt both an hour ahead; the event lands at the right time."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    skewed = now + timedelta(hours=1)
    message = {"type": "track", "messageId": "s1", "userId": "ann", "event": "Signed In",
               "context": {"groupId": "ALPHA"}, "originalTimestamp": (skewed - timedelta(minutes=10)).isoformat()}
    assert segment("batch", {"batch": [message], "sentAt": skewed.isoformat()}).status_code == 200
    with app.app_context():
        ts = Session.scalar(select(UsageEvent.ts))
        Session.rollback()
    ts = ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)
    assert abs((ts - (now - timedelta(minutes=10))).total_seconds()) < 30


def test_identify_traits_in_context_update_the_person(app, world, segment):
    calls = [
        {"type": "identify", "messageId": "i1", "userId": "kim", "context": {"groupId": "ALPHA",
                                                                            "traits": {"email": "Kim@Alpha.example"}},
         "traits": {"name": "Kim Lee"}, "timestamp": "2026-03-10T12:00:00Z"},
    ]
    assert segment("batch", {"batch": calls}).status_code == 200
    with app.app_context():
        kim = Session.scalar(select(User).where(User.external_id == "kim"))
        assert (kim.email, kim.name, kim.account_id) == ("kim@alpha.example", "Kim Lee", world["account_a"].id)
        Session.rollback()


def test_an_admin_mapping_names_the_feature(app, world, segment):
    with app.app_context():
        set_mapping("Report Exported", "exports")
        Session.commit()
    assert segment("batch", {"batch": [_track(1), _track(2, event="Dashboard Shared")]}).status_code == 200
    with app.app_context():
        assert sorted(Session.scalars(select(UsageEvent.feature))) == ["dashboard_shared", "exports"]
        Session.rollback()


def test_unknown_accounts_and_refused_events_are_skipped_with_their_reason(app, world, segment):
    calls = [_track(1, context={"groupId": "NOPE"}), _track(2, timestamp="2001-01-01T00:00:00Z"), _track(3)]
    assert segment("batch", {"batch": calls}).status_code == 200
    assert _count(app, UsageEvent) == 1
    with app.app_context():
        reasons = {row.message_id: row.reason for row in Session.scalars(select(SegmentLog))
                   if row.outcome == "skipped"}
        Session.rollback()
    assert "NOPE" in reasons["m1"] and "before the account became a customer" in reasons["m2"]


def test_the_debugger_keeps_the_last_100(app, world, segment):
    for start in (0, 80):
        assert segment("batch", {"batch": [_track(n) for n in range(start, start + 80)]}).status_code == 200
    with app.app_context():
        ids = [row.message_id for row in Session.scalars(select(SegmentLog).order_by(SegmentLog.id))]
        Session.rollback()
    assert ids == [f"m{n}" for n in range(60, 160)]


def test_an_alias_call_is_accepted_and_stores_nothing(app, world, segment):
    alias = {"type": "alias", "messageId": "a1", "userId": "ann", "previousId": "anon-1",
             "timestamp": "2026-03-10T12:00:00Z"}
    assert segment("batch", {"batch": [alias]}).status_code == 200
    assert (_count(app, UsageEvent), _count(app, SegmentParked)) == (0, 0)
