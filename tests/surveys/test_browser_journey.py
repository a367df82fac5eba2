"""The NPS journey in a real browser: a customer answers the pending survey, the CSM closes the loop."""
from __future__ import annotations

import re

import pytest


pytestmark = pytest.mark.browser


@pytest.fixture
def pending_survey(page, live_server):  # noqa: F811
    """A fresh invitation for the Alpha customer in the live portal's database; its link path."""
    from models.accounts import Account, User
    from models.db import Session
    from surveys.nps.campaigns import default_campaign, invite, token_for

    with live_server.app.app_context():
        user = Session.get(User, live_server.cast["customer"].id)
        account = Session.get(Account, live_server.cast["alpha"].id)
        invitation = invite(default_campaign(), user, account)
        Session.commit()
        return f"/s/{token_for(invitation.token_salt)}"


def test_customer_answers_the_pending_survey_with_the_keyboard_and_the_csm_closes_the_loop(
        page, live_server, sign_in, shoot, pending_survey):  # noqa: F811
    sign_in(page, live_server.cast["customer"].email)
    page.get_by_role("link", name="Answer the survey").click()
    page.wait_for_url(re.compile(re.escape(pending_survey) + "$"))
    assert page.get_by_text("not at all likely").first.is_visible()
    shoot(page, "nps-question")
    # keyboard only: focus the 5, move right to 6 with the arrow key, then the comment, then send
    page.locator("#score-5").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#score-6").is_checked()
    page.get_by_label("What is the main reason for your score? (optional)").fill("<b>Exports</b> are too slow")
    page.get_by_role("button", name="Send my answer").press("Enter")
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    page.goto(pending_survey)
    assert page.get_by_role("heading", name="You have already answered").is_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.cast["csm"].email)
    page.goto("/surveys/followups")
    assert page.get_by_text("<b>Exports</b> are too slow").is_visible()  # shown as text, not markup
    page.get_by_role("link", name="Follow up").first.click()
    page.get_by_label("What did you do? (internal note)").fill("Called Pat; exports move to the background.")
    page.get_by_label("“You said, we did” reply to the respondent (optional)").fill("Exports now run in the background.")
    page.get_by_label("Show this reply to the respondent in the portal").check()
    page.get_by_label("The loop is closed").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The loop is closed.").is_visible()
    page.goto("/surveys/")
    assert page.get_by_role("heading", name="Net Promoter Score").is_visible()
    page.locator(".chart .bk-Figure, .chart .bk-Canvas, .chart canvas").first.wait_for(state="attached")
    shoot(page, "nps-analytics")

    page.context.clear_cookies()
    sign_in(page, live_server.cast["customer"].email)
    assert page.get_by_text("Exports now run in the background.").is_visible()
    shoot(page, "nps-you-said-we-did")
