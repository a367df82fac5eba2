"""A person gets the invitation from a real SMTP server, follows the link, answers; the NPS moves."""
from __future__ import annotations

import re

import pytest

from tests.mail.smtp import smtp_config


@pytest.fixture
def app_config(app_config, smtp_server):
    """Deliver through the loopback SMTP server."""
    return smtp_config(app_config, smtp_server)


def _link(text: str) -> str:
    return re.search(r"http://portal\.test(/s/[A-Za-z0-9_-]+)\s", text).group(1)


def test_invitation_mail_link_answer_and_nps_through_the_api(app, client, world, api, smtp_server):
    admin = api(world["admin"])
    customer_email = world["customer_a"].email
    assert admin.get("/api/v1/accounts/ALPHA/nps").get_json()["responses"] == 0
    result = app.test_cli_runner().invoke(args=["surveys", "send", "--account", "ALPHA"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    [mail] = smtp_server.messages
    assert mail["To"] == customer_email
    text = smtp_server.text_of(mail)
    path = _link(text)
    assert path in smtp_server.html_of(mail) and f"{path}/unsubscribe" in text
    page = client.get(path)
    assert page.status_code == 200 and "not at all likely" in page.get_data(as_text=True)
    assert client.post(path, data={"score": "10", "comment": "Love it"}).status_code == 200
    body = admin.get("/api/v1/accounts/ALPHA/nps").get_json()
    assert (body["nps"], body["responses"], body["promoters"], body["margin_of_error"]) == (100, 1, 1, 0)


def test_a_detractor_answer_reaches_the_csm_by_mail_once_with_the_comment_escaped(app, client, world, smtp_server):
    csm_email = world["csm_a"].email
    app.test_cli_runner().invoke(args=["surveys", "send", "--account", "ALPHA"])
    path = _link(smtp_server.text_of(smtp_server.messages[0]))
    client.post(path, data={"score": "1", "comment": "<img src=x onerror=alert(1)> too slow"})
    client.post(path, data={"score": "0"})
    result = app.test_cli_runner().invoke(args=["mail", "flush"])
    assert result.exit_code == 0, result.output
    to_csm = [m for m in smtp_server.messages if m["To"] == csm_email]
    assert len(to_csm) == 1
    html = smtp_server.html_of(to_csm[0])
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_surveys_send_with_the_mail_server_down_keeps_the_invitations_queued(app, world, smtp_server, outbox):
    smtp_server.stop()
    result = app.test_cli_runner().invoke(args=["surveys", "send"])
    assert result.exit_code == 0, result.output
    assert "2 invitations" in result.output and "still queued" in result.output
    assert {m.status for m in outbox("nps_invitation")} == {"queued"}
    smtp_server.start()
    result = app.test_cli_runner().invoke(args=["mail", "flush", "--retry-now"])
    assert result.exit_code == 0 and len(smtp_server.messages) == 2
