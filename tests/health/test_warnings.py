"""Each early warning, with its figures, raised once per episode."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from analytics.health.recompute import recompute
from models.db import Session
from models.health import HealthScore, HealthWarning
from tests.health.helpers import add_answer, add_usage, days_back

AS_OF = date(2026, 6, 30)


def warnings_of(account) -> dict[str, list[HealthWarning]]:
    out: dict[str, list[HealthWarning]] = {}
    for w in Session.scalars(select(HealthWarning).where(HealthWarning.account_id == account.id).order_by(HealthWarning.id)):
        out.setdefault(w.kind, []).append(w)
    return out


def make(create_account, create_user, seats=10, users=8):
    account = create_account(seats=seats, customer_since=AS_OF - timedelta(days=300))
    return account, [create_user("customer", account=account, password=None) for _ in range(users)]


def test_usage_drop_and_low_utilisation_carry_their_figures(app, create_account, create_user):
    """2 of 10 users in the last 4 weeks after 8 before: a usage drop of 75% and utilisation of 20%."""
    account, users = make(create_account, create_user)
    with app.app_context():
        add_usage(account, users[:2], days_back(AS_OF, 27, 0))
        add_usage(account, users, days_back(AS_OF, 55, 28))
        recompute(AS_OF)
        Session.commit()
        found = warnings_of(account)
    assert set(found) == {"usage_drop", "low_utilisation"}
    assert json.loads(found["usage_drop"][0].figures_json) == {
        "active_user_days_last_4_weeks": 56, "active_user_days_previous_4_weeks": 224, "change_percent": -75.0}
    assert json.loads(found["low_utilisation"][0].figures_json)["utilisation_percent"] == 20.0


def test_no_login_for_14_days(app, create_account, create_user):
    """Last login 15 days ago raises 'no login' with the day of the last login."""
    account, users = make(create_account, create_user, seats=3, users=3)
    with app.app_context():
        add_usage(account, users, days_back(AS_OF, 40, 15))
        recompute(AS_OF)
        Session.commit()
        found = warnings_of(account)
    assert json.loads(found["no_login"][0].figures_json) == {"last_login_day": "2026-06-15", "days_without_login": 15}


def test_a_state_warning_is_raised_once_per_episode(app, create_account, create_user):
    """No login on three days running is one warning; after logins resume and stop again, a second one."""
    account, users = make(create_account, create_user, seats=3, users=3)
    with app.app_context():
        add_usage(account, users, days_back(AS_OF, 40, 15))
        for k in range(3):
            recompute(AS_OF + timedelta(days=k))
        Session.commit()
        assert len(warnings_of(account)["no_login"]) == 1
        add_usage(account, users, [AS_OF + timedelta(days=3)])
        recompute(AS_OF + timedelta(days=3))
        first = warnings_of(account)["no_login"][0]
        assert first.cleared_at is not None
        recompute(AS_OF + timedelta(days=17))
        Session.commit()
        assert len(warnings_of(account)["no_login"]) == 2


def test_detractor_answers_raise_one_warning_per_episode(app, create_account, create_user):
    """Two detractor answers in 30 days are one warning with their count; a 9 raises none; recompute again adds none."""
    account, users = make(create_account, create_user, seats=3, users=3)
    with app.app_context():
        add_usage(account, users, days_back(AS_OF + timedelta(days=1), 56, 0))
        add_answer(account, "pat@x.test", 4, AS_OF - timedelta(days=3))
        add_answer(account, "lee@x.test", 6, AS_OF - timedelta(days=2))
        add_answer(account, "sam@x.test", 9, AS_OF - timedelta(days=2))
        recompute(AS_OF)
        recompute(AS_OF + timedelta(days=1))
        Session.commit()
        found = warnings_of(account)
    assert list(found) == ["detractor"]
    assert len(found["detractor"]) == 1
    figures = json.loads(found["detractor"][0].figures_json)
    assert figures["detractor_answers_30d"] == 2 and figures["latest_respondent"] == "lee@x.test" and figures["latest_score"] == 6
    assert found["detractor"][0].message.startswith("2 detractor answers (0 to 6) in the last 30 days")


def test_band_drop_compared_with_the_day_before(app, create_account, create_user):
    """Green yesterday and yellow today raises a band drop naming both bands."""
    account, users = make(create_account, create_user, seats=10, users=10)
    with app.app_context():
        add_usage(account, users[:6], days_back(AS_OF, 55, 0))
        Session.add(HealthScore(account_id=account.id, as_of=AS_OF - timedelta(days=1), score=80, band="green",
                                components_json="[]"))
        Session.commit()
        recompute(AS_OF)
        Session.commit()
        found = warnings_of(account)
        score = Session.scalar(select(HealthScore.score).where(HealthScore.as_of == AS_OF))
    assert score == 65.0  # 6/10 seats → 75, flat trend → 50: 0.6·75 + 0.4·50
    assert json.loads(found["band_drop"][0].figures_json) == {"from": "green", "to": "yellow", "score": 65.0}


def test_new_warnings_are_not_raised_for_healthy_accounts(app, create_account, create_user):
    """Steady use of 8 of 10 seats raises nothing."""
    account, users = make(create_account, create_user)
    with app.app_context():
        add_usage(account, users, days_back(AS_OF, 55, 0))
        recompute(AS_OF)
        Session.commit()
        assert warnings_of(account) == {}


def test_each_warning_is_mailed_once_to_the_csm(app, create_account, create_user):
    """A new warning queues one mail to the account's CSM with its figures; later recomputes queue none."""
    from models.mail import OutboxMessage

    csm = create_user("csm", email="casey@csm.test")
    account = create_account(name="Quiet Co", seats=3, customer_since=AS_OF - timedelta(days=300), csm=csm)
    users = [create_user("customer", account=account, password=None) for _ in range(3)]
    with app.app_context():
        add_usage(account, users, days_back(AS_OF, 40, 15))
        recompute(AS_OF)
        recompute(AS_OF + timedelta(days=1))
        Session.commit()
        mails = Session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "health_warning")).all()
        warning = warnings_of(account)["no_login"][0]
    assert len(mails) == 1
    assert mails[0].to_address == "casey@csm.test" and "Quiet Co" in mails[0].subject
    assert "days without login: 15" in mails[0].body_text and "http://portal.test/csm/#warnings" in mails[0].body_text
    assert warning.mailed_at is not None


def test_detractor_warning_is_listed_but_not_mailed_twice(app, create_account, create_user):
    """The NPS follow-up already mails the CSM about a detractor; the warning adds no second mail."""
    from models.mail import OutboxMessage

    csm = create_user("csm", email="dana@csm.test")
    account = create_account(name="Grumpy Co", csm=csm)
    with app.app_context():
        add_answer(account, "kim@x.test", 3, AS_OF - timedelta(days=2))
        recompute(AS_OF)
        Session.commit()
        mails = Session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "health_warning")).all()
        found = warnings_of(account)
    assert "detractor" in found and found["detractor"][0].mailed_at is not None
    assert [m.subject for m in mails if "Grumpy Co" in m.subject and "detractor" in m.subject] == []
    assert any("Grumpy Co" in m.subject for m in mails)  # other warnings of the account are still mailed
