"""The maturity self-assessment can be taken from start to result with the keyboard alone."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def default_model(live_server):
    """The default maturity model, saved once for this live portal."""
    from models.db import Session
    from models.maturity import MaturityModel
    from surveys.maturity import services

    with live_server.app.app_context():
        if Session.query(MaturityModel).first() is None:
            services.save_model(services.document.default_document(), None, drop_unknown_features=True)
            Session.commit()


def _focused(page) -> dict:
    return page.evaluate("({name: document.activeElement.name || '', type: document.activeElement.type || '',"
                         " text: (document.activeElement.textContent || document.activeElement.value || '').trim()})")


def _tab_until(page, wanted, limit: int = 40) -> dict:
    """Press Tab until the focused element matches `wanted`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the wanted element; last focused: {focused}")


def test_customer_takes_the_assessment_with_the_keyboard_only(page, live_server, sign_in, shoot, default_model):
    """Enter on the start link, arrow keys in each question, Enter to move on, Tab and Enter to submit."""
    sign_in(page, live_server.cast["customer"].email)
    page.goto("/accounts/ALPHA/assessment")
    page.locator("body").focus()
    _tab_until(page, lambda f: "Start the assessment" in f["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/assessment/take/1")

    pages = 0
    while "/assessment/take/" in page.url:
        pages += 1
        page.locator("body").focus()
        questions = page.locator("fieldset").count()
        assert questions > 0
        for _ in range(questions):
            # Tab enters the next radio group on its first option; ArrowDown twice moves to the third
            # option and checks it, as a keyboard user picks an answer.
            _tab_until(page, lambda f: f["type"] == "radio")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
        # The page saved the draft on each change without leaving the page.
        page.get_by_text("Draft saved.").wait_for()
        current = page.url
        # Enter inside the form submits it with its default button, which must move forward, not back.
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: url != current)
        assert pages < 20, "the assessment never reached its review page"

    assert page.url.endswith("/accounts/ALPHA/assessment/submit"), page.url
    assert pages == 5
    page.get_by_text("7 of 7 questions answered").wait_for()
    page.locator("body").focus()
    _tab_until(page, lambda f: f["type"] == "submit" and "Submit my answers" in f["text"])
    page.keyboard.press("Enter")
    page.get_by_text("your answers are submitted").wait_for()
    shoot(page, "assessment-result-keyboard")
    # Every answer was the third option, level 3 of five: Defined, overall and per dimension.
    assert "Defined" in page.locator("main").inner_text()
