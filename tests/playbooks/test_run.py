"""`playbooks run` against a real SMTP server: once per episode, fatigue cap, unsubscribes, refusals."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from analytics.playbooks.engine import run_playbooks
from models.db import Session, utcnow
from models.mail import OutboxMessage
from models.playbooks import CsmTask, MailUnsubscribe, PlaybookEpisode, PlaybookSend
from models.surveys import ContactRequest
from core.settings import set_setting
from core.fatigue import record_contact
from tests.mail.smtp import smtp_config, smtp_server  # noqa: F401  (fixture)

RENEWING_SOON = [{"kind": "days_to_renewal", "op": "<=", "days": 90}]


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    """Really send, to the loopback server."""
    return smtp_config(app_config, smtp_server)


@pytest.fixture
def cast(app, create_account, create_user):
    """Two accounts renewing soon (two and one customers), one renewing later; no hold-out."""
    today = utcnow().date()
    csm = create_user("csm", name="Casey Jones", email="casey@vendor.test")
    soon_a = create_account(name="Alpha Inc", external_id="ALPHA", csm=csm, renewal_date=today + timedelta(days=30))
    soon_b = create_account(name="Beta Ltd", external_id="BETA", csm=csm, renewal_date=today + timedelta(days=60))
    later = create_account(name="Gamma plc", external_id="GAMMA", csm=csm, renewal_date=today + timedelta(days=300))
    people = {
        "ada": create_user("customer", account=soon_a, email="ada@alpha.test", name="Ada Lovelace"),
        "alan": create_user("customer", account=soon_a, email="alan@alpha.test", name="Alan Turing"),
        "grace": create_user("customer", account=soon_b, email="grace@beta.test", name="Grace Hopper"),
        "ken": create_user("customer", account=later, email="ken@gamma.test", name="Ken Thompson"),
    }
    with app.app_context():
        set_setting("playbooks.holdout_share", 0.0)
        Session.commit()
    return {"csm": csm, "soon_a": soon_a, "soon_b": soon_b, "later": later, **people}


def _run(app, **kw):
    with app.app_context():
        report = run_playbooks(**kw)
        Session.commit()
        from core.outbox import flush_outbox

        flush_outbox()
        return report


def _count(app, model, *where) -> int:
    with app.app_context():
        return Session.scalar(select(func.count()).select_from(model).where(*where))


def test_run_mails_each_member_once_signed_by_the_csm_and_second_run_sends_nothing(app, cast, make_playbook, smtp_server):
    make_playbook(RENEWING_SOON, name="Renewal prep")
    report = _run(app)
    assert report.mails == 3 and report.entered == 2
    assert sorted(m["To"] for m in smtp_server.messages) == ["ada@alpha.test", "alan@alpha.test", "grace@beta.test"]
    ada = next(m for m in smtp_server.messages if m["To"] == "ada@alpha.test")
    assert ada["Subject"] == "Hello Ada"
    text = smtp_server.text_of(ada)
    assert "Hi Ada, **Alpha Inc** has 0 active users." in text
    assert "Casey Jones, your customer success manager" in text
    assert "http://portal.test/playbooks/unsubscribe/" in text
    assert "<strong>Alpha Inc</strong>" in smtp_server.html_of(ada)

    again = _run(app)
    assert again.mails == 0 and again.entered == 0
    assert len(smtp_server.messages) == 3


def test_contacts_count_against_the_account_wide_fatigue_cap(app, cast, make_playbook, smtp_server):
    make_playbook(RENEWING_SOON)
    with app.app_context():
        set_setting("contact.fatigue_cap", 1)
        record_contact(cast["soon_a"].id, cast["ada"].id, "nps_survey")
        Session.commit()
    report = _run(app)
    assert [m["To"] for m in smtp_server.messages] == ["grace@beta.test"]
    assert any("ALPHA | ada@alpha.test | skipped: the account is at its contact cap" in line for line in report.lines)
    assert _count(app, ContactRequest, ContactRequest.kind == "playbook") == 1
    # a second playbook in the same window finds Beta's budget used up too
    make_playbook(RENEWING_SOON, name="Second")
    _run(app)
    assert len(smtp_server.messages) == 1


def test_unsubscribe_link_is_honoured_in_the_next_episode(app, client, cast, make_playbook, smtp_server):
    playbook = make_playbook(RENEWING_SOON)
    _run(app)
    ada_mail = next(m for m in smtp_server.messages if m["To"] == "ada@alpha.test")
    link = re.search(r"http://portal.test(/playbooks/unsubscribe/\S+)", smtp_server.text_of(ada_mail)).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 200 and "unsubscribed" in response.get_data(as_text=True)
    assert _count(app, MailUnsubscribe, MailUnsubscribe.user_id == cast["ada"].id) == 1

    # Alpha leaves the segment, then enters it again: a new episode mails Alan but not Ada.
    with app.app_context():
        account = Session.get(type(cast["soon_a"]), cast["soon_a"].id)
        account.renewal_date = utcnow().date() + timedelta(days=200)
        Session.commit()
    assert _run(app).left == 1
    with app.app_context():
        account = Session.get(type(cast["soon_a"]), cast["soon_a"].id)
        account.renewal_date = utcnow().date() + timedelta(days=20)
        Session.commit()
    report = _run(app)
    assert report.entered == 1
    assert sorted(m["To"] for m in smtp_server.messages[3:]) == ["alan@alpha.test"]
    assert any("ada@alpha.test | skipped: unsubscribed" in line for line in report.lines)
    assert _count(app, PlaybookEpisode, PlaybookEpisode.playbook_id == playbook.id) == 3


def test_a_made_up_unsubscribe_token_is_not_found(client, app):
    assert client.get("/playbooks/unsubscribe/not-a-token").status_code == 404


def test_account_without_a_csm_is_refused_and_gets_nothing(app, cast, make_playbook, smtp_server):
    with app.app_context():
        account = Session.get(type(cast["soon_b"]), cast["soon_b"].id)
        account.csm_id = None
        Session.commit()
    make_playbook(RENEWING_SOON, task_text="Call them about the renewal.")
    report = _run(app)
    assert [m["To"] for m in smtp_server.messages if m["To"] == "grace@beta.test"] == []
    assert any("BETA" in p and "no CSM" in p for p in report.problems)
    assert _count(app, CsmTask, CsmTask.account_id == cast["soon_b"].id) == 0
    assert _count(app, CsmTask, CsmTask.account_id == cast["soon_a"].id) == 1


def test_segment_matching_every_account_needs_confirmation_to_mail(app, cast, make_playbook, smtp_server):
    everyone = [{"kind": "customer_for_days", "op": ">=", "days": 0}]
    playbook = make_playbook(everyone)
    report = _run(app)
    assert report.mails == 0 and "matches every one of the 3 accounts" in report.problems[0]
    with app.app_context():
        row = Session.get(type(playbook), playbook.id)
        row.confirmed_all = True
        Session.commit()
    assert _run(app).mails == 4


def test_held_out_accounts_are_recorded_but_never_contacted(app, cast, make_playbook, smtp_server):
    with app.app_context():
        set_setting("playbooks.holdout_share", 1.0)
        Session.commit()
    make_playbook(RENEWING_SOON, task_text="Call them.")
    report = _run(app)
    assert smtp_server.messages == [] and report.held_out == 3
    assert _count(app, PlaybookSend, PlaybookSend.held_out.is_(True)) == 3
    assert _count(app, CsmTask) == 0


def _all_counts(app) -> dict:
    models = (PlaybookEpisode, PlaybookSend, CsmTask, OutboxMessage, ContactRequest)
    return {m.__name__: _count(app, m) for m in models}


def test_dry_run_lists_who_would_get_what_and_changes_nothing(app, cast, make_playbook, smtp_server):
    make_playbook(RENEWING_SOON, task_text="Call them.", message_text="Your renewal is coming up.")
    before = _all_counts(app)
    result = app.test_cli_runner().invoke(args=["playbooks", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would: Welcome | ALPHA | ada@alpha.test | e-mail: Hello Ada" in result.output
    assert "would: Welcome | BETA | casey@vendor.test | CSM task" in result.output
    assert "GAMMA" not in result.output
    assert "nothing was changed" in result.output
    assert _all_counts(app) == before
    assert smtp_server.messages == []

    result = app.test_cli_runner().invoke(args=["playbooks", "run"])
    assert result.exit_code == 0, result.output
    assert "Mail: 3 sent" in result.output
    assert len(smtp_server.messages) == 3


def test_unsafe_markup_and_markdown_in_figures_are_rendered_harmlessly(app, cast, make_playbook, smtp_server):
    with app.app_context():
        account = Session.get(type(cast["soon_a"]), cast["soon_a"].id)
        account.name = "Alpha <b>*Inc*</b>"
        Session.commit()
    make_playbook(RENEWING_SOON, email_body=(
        "Hi {{ first_name }} of {{ account_name }}\n\n<script>alert(1)</script>"
        "[click](javascript:alert(1)) <img src=x onerror=alert(1)>"))
    _run(app)
    html = smtp_server.html_of(next(m for m in smtp_server.messages if m["To"] == "ada@alpha.test"))
    assert "<script" not in html and 'href="javascript' not in html and "onerror" not in html
    assert "Alpha &lt;b&gt;*Inc*&lt;/b&gt;" in html


def test_segment_of_a_former_csm_reaches_nobody(app, cast, make_playbook, smtp_server):
    playbook = make_playbook(RENEWING_SOON, owner=cast["csm"])
    with app.app_context():
        csm = Session.get(type(cast["csm"]), cast["csm"].id)
        csm.is_active = False
        Session.commit()
    report = _run(app)
    assert report.mails == 0 and smtp_server.messages == []
    assert report.problems == [f"{playbook.name}: refused, its segment belongs to nobody on the staff any more; "
                               "an admin should take the segment over."]


def test_people_known_only_by_a_vendor_id_get_no_playbook_mail(app, cast, make_playbook, create_user, smtp_server):
    """A person created from usage events has no mailbox; the run neither lists nor mails them."""
    create_user("customer", account=cast["soon_a"], email="u-123@vendor-users.invalid", password=None)
    make_playbook(RENEWING_SOON)
    result = app.test_cli_runner().invoke(args=["playbooks", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "ada@alpha.test" in result.output
    assert "vendor-users.invalid" not in result.output
    result = app.test_cli_runner().invoke(args=["playbooks", "run"])
    assert "Mail: 3 sent" in result.output
    assert len(smtp_server.messages) == 3
