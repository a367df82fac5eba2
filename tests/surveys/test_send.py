"""`surveys send`: who is asked, throttling, reminders, unsubscribes and the account-wide fatigue cap."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.db import Session, utcnow
from models.surveys import SurveyInvitation
from core.settings import set_setting


def invited(app) -> list[str]:
    with app.app_context():
        emails = sorted(Session.scalars(select(SurveyInvitation.email)))
        Session.close()
        return emails


def plain(world) -> dict:
    """E-mails and ids of the cast, read before any command expires the objects."""
    return {key: (value.email if hasattr(value, "email") else value.id) for key, value in world.items()}


def send(app, *args):
    return app.test_cli_runner().invoke(args=["surveys", "send", *args])


def test_default_campaign_asks_every_customer_of_every_active_account(app, world, create_user, create_account, outbox):
    w = plain(world)
    second = create_user("customer", account=world["account_a"]).email
    churned = create_account(name="Gone", external_id="GONE", status="churned")
    create_user("customer", account=churned)
    result = send(app)
    assert result.exit_code == 0, result.output
    assert "3 invitations" in result.output
    assert invited(app) == sorted([w["customer_a"], second, w["customer_b"]])
    mails = outbox("nps_invitation")
    assert len(mails) == 3 and {m.status for m in mails} == {"sent"}  # flushed (delivery suppressed in tests)
    assert all("/s/" in m.body_text and "/unsubscribe" in m.body_text for m in mails)


def test_nobody_is_asked_twice_within_the_throttle_window(app, world):
    w = plain(world)
    send(app)
    result = send(app)
    assert "0 invitations" in result.output and "2 people skipped" in result.output
    assert len(invited(app)) == 2


def test_after_the_throttle_window_people_are_asked_again(app, world):
    w = plain(world)
    send(app)
    with app.app_context():
        for row in Session.scalars(select(SurveyInvitation)):
            row.sent_at = utcnow() - timedelta(days=91)
            row.answered_at = utcnow() - timedelta(days=90)
        Session.commit()
    send(app)
    assert len(invited(app)) == 4


def test_account_option_limits_the_audience_and_unknown_account_fails_cleanly(app, world):
    w = plain(world)
    result = send(app, "--account", "ALPHA")
    assert result.exit_code == 0 and invited(app) == [w["customer_a"]]
    bad = send(app, "--account", "NOPE")
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == ["Error: No account has the external id 'NOPE'."]
    assert invited(app) == [w["customer_a"]]


def test_unsubscribed_people_are_not_asked(app, client, world, invitation):
    w = plain(world)
    _id, token = invitation(world["customer_a"])
    client.post(f"/s/{token}/unsubscribe")
    with app.app_context():
        for row in Session.scalars(select(SurveyInvitation)):
            row.sent_at = utcnow() - timedelta(days=200)
        Session.commit()
    result = send(app)
    assert "1 unsubscribed" in result.output
    assert invited(app) == sorted([w["customer_a"], w["customer_b"]])


def test_one_reminder_after_the_configured_days_and_never_a_second(app, world, outbox):
    w = plain(world)
    send(app, "--account", "ALPHA")
    with app.app_context():
        for row in Session.scalars(select(SurveyInvitation)):
            row.sent_at = utcnow() - timedelta(days=5)
        Session.commit()
    assert "1 reminders" in send(app, "--account", "ALPHA").output
    assert "0 reminders" in send(app, "--account", "ALPHA").output
    [reminder] = outbox("nps_reminder")
    [first] = outbox("nps_invitation")
    link = [line for line in first.body_text.splitlines() if "/s/" in line and "unsubscribe" not in line][0].strip()
    assert link in reminder.body_text  # the reminder carries the same link


def test_answered_invitations_get_no_reminder(app, client, world, invitation, outbox):
    w = plain(world)
    _id, token = invitation(world["customer_a"], sent_at=utcnow() - timedelta(days=6))
    client.post(f"/s/{token}", data={"score": "8"})
    send(app, "--account", "ALPHA")
    assert outbox("nps_reminder") == []


def test_the_fatigue_cap_counts_other_features_contacts(app, world):
    w = plain(world)
    from core.fatigue import contact_budget_left, record_contact

    with app.app_context():
        set_setting("contact.fatigue_cap", 2)
        for _ in range(2):
            record_contact(w["account_a"], None, "assessment_request")
        Session.commit()
        assert contact_budget_left(w["account_a"]) == 0
        assert contact_budget_left(w["account_b"]) == 2
    result = send(app)
    assert "ALPHA" in result.output and "contact cap" in result.output
    assert invited(app) == [w["customer_b"]]
    with app.app_context():
        assert contact_budget_left(w["account_b"]) == 1  # one survey wave counts once per account


def test_contacts_older_than_the_window_free_the_budget(app, world):
    w = plain(world)
    from core.fatigue import contact_budget_left, record_contact

    with app.app_context():
        set_setting("contact.fatigue_cap", 1)
        record_contact(w["account_a"], None, "playbook", ts=utcnow() - timedelta(days=31))
        Session.commit()
        assert contact_budget_left(w["account_a"]) == 1


def test_a_campaign_for_chosen_accounts_asks_only_them_and_runs_on_its_schedule(app, world):
    w = plain(world)
    from surveys.nps.campaigns import create_campaign

    with app.app_context():
        create_campaign(name="Beta check-in", question="Would you recommend us?", audience="accounts", tier=None,
                        account_ids=[w["account_b"]], every_days=None, created_by=None)
        Session.commit()
    send(app)
    assert invited(app) == [w["customer_b"]]
    with app.app_context():
        assert Session.scalars(select(SurveyInvitation)).one().email == w["customer_b"]
