"""Distinct users of any period, of each feature and of each week, from the span rollups: always equal to the
same figures counted from the raw events, over two and a half years of events (several spans and words)."""
from __future__ import annotations

import random
import threading
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from analytics.usage import datasets, spans
from analytics.usage.partitions import forget_known_partitions, partitions
from analytics.usage.rollups import rebuild_rollups
from models.db import Session, is_postgres
from models.usage import SPAN_DAYS, UsageAccountWeek, UsageEvent, UsageUserFeatureSpan, UsageUserSpan
from tests.analytics.conftest import iso

TODAY = datetime.now(timezone.utc).date()
FIRST = TODAY - timedelta(days=900)
FEATURES = ("dashboards", "exports", "alerts")


def _events(rng: random.Random, n: int, start: int) -> list[dict]:
    events = []
    for index in range(n):
        kind = rng.choice(("login", "page_view", "feature_used", "report_run"))
        day = FIRST + timedelta(days=rng.randint(0, 899))
        moment = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 1439))
        event = {"id": f"e{start + index}", "account": rng.choice(("ALPHA", "ALPHA", "BETA")),
                 "user": f"person-{rng.randint(1, 30)}", "type": kind, "ts": iso(moment)}
        if kind == "feature_used":
            event["feature"] = rng.choice(FEATURES)
        events.append(event)
    return events


@pytest.fixture
def history(app, create_account, create_user, api):
    """Two accounts with two and a half years of random events, posted in batches (with some resent)."""
    with app.app_context():
        known = {name for name, _ in partitions()} if is_postgres(Session) else set()
    yield _post_history(app, create_account, create_user, api)
    with app.app_context():
        if is_postgres(Session):  # the monthly partitions made here would count as old months in other tests
            for name, _ in partitions():
                if name not in known:
                    Session.execute(text(f"DROP TABLE {name}"))
            Session.commit()
            forget_known_partitions()


def _post_history(app, create_account, create_user, api) -> dict:
    since = FIRST - timedelta(days=1)
    alpha = create_account(name="Alpha Inc", external_id="ALPHA", customer_since=since)
    create_account(name="Beta Ltd", external_id="BETA", customer_since=since)
    admin = api(create_user("admin"))
    rng = random.Random(20261205)
    sent = []
    for batch in range(4):
        events = _events(rng, 700, 700 * batch)
        resent = rng.sample(sent, min(len(sent), 50))
        response = admin.post("/api/v1/events", json={"events": events + resent})
        assert response.status_code == 200, response.get_json()
        sent += events
    with app.app_context():
        rows = Session.execute(select(UsageEvent.account_id, UsageEvent.user_id, UsageEvent.type,
                                      UsageEvent.feature, UsageEvent.ts)).all()
    days = [(row.account_id, row.user_id, row.type, row.feature,
             (row.ts if row.ts.tzinfo else row.ts.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).date())
            for row in rows]
    assert len(days) == 2800
    return {"alpha": alpha.id, "days": days}


def _people(days, account_id, start, end, feature=None) -> set[int]:
    return {user for account, user, kind, name, day in days
            if account == account_id and start <= day <= end and (feature is None or (kind, name) == ("feature_used", feature))}


def _boundaries() -> list[date]:
    """Days where a span or a word begins, within the history: periods that start or end around them."""
    epoch = date(1, 1, 1)
    first = (FIRST - epoch).days
    return [epoch + timedelta(days=n) for n in range(first, first + 900) if n % 63 == 0]


def _periods(rng: random.Random) -> list[tuple[date, date]]:
    periods = [(FIRST, TODAY), (TODAY - timedelta(days=364), TODAY - timedelta(days=1)),
               (TODAY - timedelta(days=729), TODAY - timedelta(days=365)), (FIRST, FIRST), (TODAY, TODAY)]
    for boundary in _boundaries():
        periods += [(boundary, boundary), (boundary - timedelta(days=1), boundary),
                    (boundary - timedelta(days=40), boundary - timedelta(days=1)), (boundary, boundary + timedelta(days=70))]
    for _ in range(40):
        start = FIRST + timedelta(days=rng.randint(0, 899))
        periods.append((start, min(TODAY, start + timedelta(days=rng.randint(0, 800)))))
    return periods


def test_distinct_users_of_any_period_equal_the_raw_events(app, history):
    alpha, days = history["alpha"], history["days"]
    assert any((day - date(1, 1, 1)).days % SPAN_DAYS == 0 for *_, day in days)  # the history crosses a span
    with app.app_context():
        for start, end in _periods(random.Random(3)):
            assert spans.distinct_users(alpha, start, end) == len(_people(days, alpha, start, end)), (start, end)
            assert spans.feature_users(alpha, start, end) == {
                feature: len(people) for feature in FEATURES if (people := _people(days, alpha, start, end, feature))
            }, (start, end)
        assert spans.distinct_users_ever(alpha) == len(_people(days, alpha, FIRST, TODAY))
        assert spans.distinct_users(alpha, TODAY, TODAY - timedelta(days=1)) == 0


def test_weekly_active_users_equal_the_raw_events(app, history):
    alpha, days = history["alpha"], history["days"]
    with app.app_context():
        for start, end in _periods(random.Random(4))[:60]:
            weeks = datasets.weekly_active_users(alpha, start, end)
            monday = start - timedelta(days=start.weekday())
            assert [week["week_start"] for week in weeks] == [
                monday + timedelta(days=7 * n) for n in range((end - monday).days // 7 + 1)]
            for week in weeks:
                last = min(week["week_start"] + timedelta(days=6), end)
                assert week["active_users"] == len(_people(days, alpha, week["week_start"], last)), (start, end, week)
                assert week["complete"] == (week["week_start"] + timedelta(days=6) <= end)


def test_usage_api_features_over_two_years_equal_the_raw_events(app, history, api, create_user):
    alpha, days = history["alpha"], history["days"]
    reader = api(create_user("admin"))
    start, end = TODAY - timedelta(days=800), TODAY - timedelta(days=3)
    body = reader.get(f"/api/v1/accounts/ALPHA/usage?start={start}&end={end}").get_json()
    events = defaultdict(int)
    for account, _user, kind, feature, day in days:
        if account == alpha and kind == "feature_used" and start <= day <= end:
            events[feature] += 1
    expected = [{"feature": feature, "users": len(_people(days, alpha, start, end, feature)), "events": count}
                for feature, count in sorted(events.items(), key=lambda item: (-item[1], item[0]))]
    assert body["features"] == expected


def test_a_rebuild_makes_the_same_spans(app, history):
    """Spans and account-weeks made batch by batch at ingestion (on PostgreSQL: added deltas) equal those made
    again from the per-user rollups."""
    def snapshot():
        return tuple(sorted(tuple(row) for row in Session.execute(select(table.__table__)).all())
                     for table in (UsageUserSpan, UsageUserFeatureSpan, UsageAccountWeek))

    with app.app_context():
        before = snapshot()
        assert min(len(rows) for rows in before) > 30
        rebuild_rollups([history["alpha"]])
        Session.commit()
        assert snapshot() == before
        # 63 days a word: the sign bit of a BIGINT is never used.
        negative = " OR ".join(f"d{k} < 0" for k in range(6))
        assert Session.scalar(text(f"SELECT COUNT(*) FROM usage_user_span WHERE {negative}")) == 0


def test_deleting_a_user_deletes_their_spans(app, history):
    with app.app_context():
        user_id = Session.scalar(select(UsageUserSpan.user_id).where(UsageUserSpan.account_id == history["alpha"]).limit(1))
        Session.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": user_id})
        Session.commit()
        for table in (UsageUserSpan, UsageUserFeatureSpan):
            assert Session.scalar(select(table.user_id).where(table.user_id == user_id)) is None


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has one writer: batches never interleave
def test_concurrent_batches_count_each_person_once_a_week(app, create_account, create_user, api_token):
    """Batches committed at the same time for the same people and weeks: every week counted exactly."""
    create_account(name="Alpha Inc", external_id="ALPHA", customer_since=FIRST)
    token = api_token(create_user("admin"))
    monday = TODAY - timedelta(days=TODAY.weekday() + 14)
    barrier = threading.Barrier(2)
    answers = []

    def send(name: str, days: tuple[int, ...], rounds: int) -> None:
        client = app.test_client()
        for round_ in range(rounds):
            events = [{"id": f"{name}-{round_}-{person}-{day}", "account": "ALPHA", "user": f"person-{person}",
                       "type": "login", "ts": iso(datetime.combine(monday + timedelta(days=day + 7 * (round_ % 2)),
                                                                   datetime.min.time(), tzinfo=timezone.utc))}
                      for person in range(40) for day in days]
            barrier.wait()
            answers.append(client.post("/api/v1/events", json={"events": events},
                                       headers={"Authorization": f"Bearer {token}"}).status_code)

    threads = [threading.Thread(target=send, args=("a", (0, 2), 6)), threading.Thread(target=send, args=("b", (1, 2), 6))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 12
    with app.app_context():
        weeks = dict(Session.execute(select(UsageAccountWeek.week_start, UsageAccountWeek.active_users)).all())
    assert weeks == {monday: 40, monday + timedelta(days=7): 40}
