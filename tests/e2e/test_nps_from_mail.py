"""A customer answers the NPS survey from the link in the invitation mail a real SMTP server received."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.mail.smtp import SmtpServer, smtp_config

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def module_smtp():
    """One loopback SMTP server for the module's live portal."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_server_config(module_smtp):
    """The live portal really sends its mail to the loopback server."""
    return smtp_config({}, module_smtp)


def test_invitation_mail_link_opens_the_question_and_the_answer_counts_once(page, live_server, module_smtp, shoot):
    """`surveys send` mails the link; a browser that never signed in answers; the link then refuses a second answer."""
    from models.db import Session
    from models.surveys import SurveyResponse

    result = live_server.app.test_cli_runner().invoke(args=["surveys", "send", "--account", "ALPHA"])
    assert result.exit_code == 0, result.output
    to_pat = [m for m in module_smtp.messages if m["To"] == live_server.cast["customer"].email]
    assert len(to_pat) == 1, [m["To"] for m in module_smtp.messages]
    text = module_smtp.text_of(to_pat[0])
    link = re.search(r"https?://\S+/s/\S+", text).group(0)
    assert link.startswith(live_server.url + "/s/")
    assert f'href="{link}"' in module_smtp.html_of(to_pat[0])  # the HTML part carries the same link

    page.goto(link)
    shoot(page, "nps-from-mail")
    page.locator("label[for=score-9]").click()
    assert page.locator("#score-9").is_checked()
    page.get_by_label(re.compile("main reason for your score")).fill("The weekly report saves us a day")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="Thank you!").wait_for()

    with live_server.app.app_context():
        answers = Session.scalars(select(SurveyResponse).where(
            SurveyResponse.comment == "The weekly report saves us a day")).all()
        assert [(a.score, a.account_id) for a in answers] == [(9, live_server.cast["alpha"].id)]

    page.goto(link)  # the same link again: the answer is already in, no second form
    assert page.locator("#score-9").count() == 0
    assert re.search(r"already|thank", page.locator("main").inner_text(), re.I)
