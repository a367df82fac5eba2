"""Every kind of mail the portal sends, received by a real SMTP server and read with the stdlib parser.

Checks what gets mail delivered and answered: a text and an HTML part with a <title>, the brand, a
Message-ID on PORTAL_BASE_URL's host, one-click unsubscribe (RFC 8058) on mail nobody asked for,
Auto-Submitted on notifications, Reply-To the CSM who signs a playbook mail.
"""
from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta

from sqlalchemy import select

from analytics.playbooks.engine import run_playbooks
from analytics.health.warnings import mail_pending
from core.branding import set_brand
from core.mail_headers import one_click_url
from models.db import Session, utcnow
from models.health import HealthWarning
from models.mail import OutboxMessage
from models.playbooks import MailUnsubscribe
from models.surveys import SurveyOptOut
from portal.auth.reset import queue_reset_mail
from core.outbox import flush_outbox
from surveys.nps.campaigns import default_campaign, invite, send_reminders, survey_link
from surveys.nps.services import answer_invitation
from tests.maturity.conftest import age_rounds, answer, maturity_model  # noqa: F401  (fixtures)
from tests.playbooks.conftest import make_playbook  # noqa: F401  (fixture)

UNSOLICITED = {"nps_invitation", "nps_reminder", "playbook"}
NOTIFICATIONS = {"nps_detractor", "health_warning", "maturity_drop", "password_reset"}


def _send_every_kind(app, world, answer, age_rounds, make_playbook):  # noqa: F811
    customer, account = world["customer_a"], world["account_a"]
    with app.app_context():
        set_brand(name="Acme Analytics", support_email="help@acme.example")
        Session.commit()
    answer(account, customer, 4)
    age_rounds(account, 100)
    answer(account, customer, 2)  # maturity_drop to the CSM
    make_playbook([{"kind": "days_to_renewal", "op": "<=", "days": 365}], confirmed_all=True)
    with app.app_context():
        invitation = invite(default_campaign(), customer, account)
        Session.commit()
        assert send_reminders(now=utcnow() + timedelta(days=5)) == 1
        answer_invitation(invitation, 2, "Too slow.")  # nps_detractor to the CSM
        queue_reset_mail(customer)
        Session.add(HealthWarning(account_id=account.id, kind="no_login", episode_key="test", as_of=utcnow().date(),
                                  figures_json='{"days_without_login": 20}', message="Nobody signed in for 20 days."))
        Session.flush()
        mail_pending()
        Session.commit()
        run_playbooks()
        Session.commit()
        report = flush_outbox()
        kinds = dict(Session.execute(select(OutboxMessage.message_id, OutboxMessage.kind)).all())
    assert report.failed == 0
    return kinds


def test_every_mail_kind_carries_the_headers_and_parts(app, world, answer, age_rounds, make_playbook,  # noqa: F811
                                                       smtp_server, maturity_model):  # noqa: F811
    """Seven kinds, each parsed from the bytes the SMTP server received."""
    kinds = _send_every_kind(app, world, answer, age_rounds, make_playbook)
    received = {}
    for message in smtp_server.messages:
        parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        received.setdefault(kinds[parsed["Message-ID"]], []).append(parsed)
    assert set(received) == UNSOLICITED | NOTIFICATIONS
    for kind, messages in received.items():
        for message in messages:
            where = f"{kind} to {message['To']}"
            assert re.fullmatch(r"<[^@>]+@portal\.test>", message["Message-ID"]), where
            assert message["From"] == "Acme Analytics <portal@portal.test>", where
            text = message.get_body(preferencelist=("plain",)).get_content()
            html = message.get_body(preferencelist=("html",)).get_content()
            title = re.search(r"<title>([^<]+)</title>", html)
            assert title and title.group(1).strip(), where
            assert "Acme Analytics" in text and "Acme Analytics" in html, where
            assert "Success Portal" not in text + html, where
            if kind in UNSOLICITED:
                assert re.fullmatch(r"<http://portal\.test/mail/unsubscribe/[\w.-]+>", message["List-Unsubscribe"]), where
                assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", where
            else:
                assert message["List-Unsubscribe"] is None, where
                assert message["Auto-Submitted"] == "auto-generated", where
            if kind == "playbook":
                signer = world["csm_a"] if message["To"] == world["customer_a"].email else world["csm_b"]
                assert message["Reply-To"] == signer.email, where
    invitation = received["nps_invitation"][0]
    assert "How likely are you to recommend Acme Analytics to a friend or colleague?" in invitation.get_body(
        preferencelist=("plain",)).get_content()


def test_one_click_post_unsubscribes_without_sign_in_and_repeats_harmlessly(app, world, answer, age_rounds,  # noqa: F811
                                                                          make_playbook, smtp_server,  # noqa: F811
                                                                          maturity_model):  # noqa: F811
    """The List-Unsubscribe address answers a cookie-less, form-less POST with 2xx, twice; a bad token 404s."""
    kinds = _send_every_kind(app, world, answer, age_rounds, make_playbook)
    by_kind = {kinds[m["Message-ID"]]: m for m in smtp_server.messages if m["To"] == world["customer_a"].email}
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the route itself must be exempt
    client = app.test_client()
    survey_url = by_kind["nps_invitation"]["List-Unsubscribe"].strip("<>").removeprefix("http://portal.test")
    playbook_url = by_kind["playbook"]["List-Unsubscribe"].strip("<>").removeprefix("http://portal.test")
    tampered = survey_url[:-3] + ("AAA" if not survey_url.endswith("AAA") else "BBB")
    assert client.post(tampered, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 404
    with app.app_context():
        assert Session.get(SurveyOptOut, world["customer_a"].id) is None
    for _ in range(2):
        for url in (survey_url, playbook_url):
            response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
            assert 200 <= response.status_code < 300, response.status_code
    assert client.post("/mail/unsubscribe/made-up-token").status_code == 404
    with app.app_context():
        assert Session.get(SurveyOptOut, world["customer_a"].id) is not None
        assert Session.get(MailUnsubscribe, (world["customer_a"].id, "playbook")) is not None
    assert client.get(survey_url).status_code == 200  # a person opening it in a browser gets a page


def test_only_the_one_click_route_is_exempt_from_csrf(app, world):
    """With CSRF on, the brand page and the older unsubscribe pages still refuse a POST without the token."""
    with app.app_context():
        invitation = invite(default_campaign(), world["customer_a"], world["account_a"])
        Session.commit()
        survey_unsubscribe = survey_link(invitation).removeprefix("http://portal.test") + "/unsubscribe"
        one_click = one_click_url("", app.config["SECRET_KEY"], world["customer_a"].id, "surveys")
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert client.post("/admin/branding", data={"name": "X"}).status_code == 400
    assert client.post(survey_unsubscribe).status_code == 400
    assert client.post(one_click, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 200
