"""A rule about a person's own answer reaches that person only, in the run and in the dry run."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from analytics.playbooks.engine import run_playbooks
from models.db import Session, utcnow
from models.mail import OutboxMessage
from models.playbooks import Playbook, PlaybookSend
from models.surveys import SurveyResponse
from portal.demo import seed_demo
from core.settings import set_setting

DETRACTORS = [{"kind": "nps_category", "in": ["detractor"], "days": 30}]


@pytest.fixture
def account_with_one_detractor(app, create_account, create_user):
    """Three customers of one account; only the third answered, 2/10; a promoter of another account."""
    csm = create_user("csm", name="Casey Jones", email="casey@vendor.test")
    account = create_account(name="Duff Logistics", external_id="DUFF", csm=csm)
    other = create_account(name="Other plc", external_id="OTHER", csm=csm)
    people = [create_user("customer", account=account, email=f"p{i}@duff.test", name=f"Person {i}") for i in (1, 2, 3)]
    fan = create_user("customer", account=other, email="fan@other.test", name="Fan Person")
    with app.app_context():
        set_setting("playbooks.holdout_share", 0.0)
        now = utcnow()
        Session.add(SurveyResponse(account_id=account.id, client_id="r-1", respondent=people[2].email,
                                   user_id=people[2].id, score=2, ts=now - timedelta(days=2)))
        Session.add(SurveyResponse(account_id=other.id, client_id="r-2", respondent=fan.email,
                                   user_id=fan.id, score=10, ts=now - timedelta(days=2)))
        Session.commit()
    return people


def test_dry_run_lists_only_the_person_who_answered(app, account_with_one_detractor, make_playbook):
    make_playbook(DETRACTORS, name="Detractor follow-up", confirmed_all=True)
    with app.app_context():
        report = run_playbooks(dry_run=True)
        Session.rollback()
    mailed = [line.split(" | ")[2] for line in report.lines if " | e-mail: " in line]
    assert mailed == ["p3@duff.test"]
    assert report.mails == 1


def test_run_mails_only_the_person_who_answered(app, account_with_one_detractor, make_playbook):
    make_playbook(DETRACTORS, name="Detractor follow-up", confirmed_all=True)
    with app.app_context():
        report = run_playbooks()
        Session.commit()
        recipients = list(Session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "playbook")))
    assert recipients == ["p3@duff.test"]
    assert report.entered == 1


def test_account_rules_still_reach_everyone(app, account_with_one_detractor, make_playbook):
    """A rule about the account (renewal) still mails every customer of it."""
    make_playbook([{"kind": "days_to_renewal", "op": "<=", "days": 365}], name="Renewal", confirmed_all=True)
    with app.app_context():
        report = run_playbooks(dry_run=True)
        Session.rollback()
    mailed = sorted(line.split(" | ")[2] for line in report.lines if " | e-mail: " in line)
    assert mailed == ["fan@other.test", "p1@duff.test", "p2@duff.test", "p3@duff.test"]


def test_demo_detractor_follow_up_reached_only_detractors(app):
    """The demo's history agrees with the rule: every "Detractor follow-up" mail went to someone who answered 0-6."""
    with app.app_context():
        seed_demo(n_accounts=8, days=150, seed=3)
        Session.commit()
        playbook_id = Session.scalar(select(Playbook.id).where(Playbook.name == "Detractor follow-up"))
        sends = Session.execute(select(PlaybookSend.user_id, PlaybookSend.sent_at).where(
            PlaybookSend.playbook_id == playbook_id, PlaybookSend.held_out.is_(False))).all()
        for user_id, sent_at in sends:
            answered = Session.scalar(select(SurveyResponse.id).where(
                SurveyResponse.user_id == user_id, SurveyResponse.score <= 6,
                SurveyResponse.ts >= sent_at - timedelta(days=31), SurveyResponse.ts <= utcnow()))
            assert answered is not None, f"user {user_id} got the detractor mail without a detractor answer"
        assert run_playbooks(dry_run=True).mails == 0
        Session.rollback()
