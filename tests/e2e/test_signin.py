"""Journeys of signing in and out, in a real browser."""
from __future__ import annotations

import re

import pytest

from portal.auth.views import GENERIC_FAILURE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("who, landing, heading", [
    ("customer", "/accounts/ALPHA/", "Alpha Inc"),
    ("csm", "/csm/", "Portfolio"),
    ("admin", "/csm/", "Portfolio"),
])
def test_each_role_signs_in_and_lands_on_its_page(page, live_server, sign_in, shoot, who, landing, heading):
    """Customer on their account, CSM and admin on the portfolio; the page names the user."""
    user = live_server.cast[who]
    sign_in(page, user.email)
    assert page.url == live_server.url + landing
    assert page.get_by_role("heading", level=1).first.inner_text().strip().startswith(heading)
    assert user.name in page.locator("nav").inner_text()
    shoot(page, f"landing-{who}")


def test_admin_sees_the_admin_link_and_pages(page, live_server, sign_in, shoot):
    """The admin follows the nav link to the admin pages and the account list."""
    sign_in(page, live_server.cast["admin"].email)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Accounts", exact=True).click()
    assert page.get_by_role("cell", name="Beta Ltd", exact=True).is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    shoot(page, "admin-accounts")


def test_sign_out_returns_to_sign_in_and_protects_pages(page, live_server, sign_in):
    """After signing out, the dashboard sends the visitor to the sign-in page."""
    sign_in(page, live_server.cast["customer"].email)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert page.get_by_text("You are signed out.").is_visible()
    page.goto("/accounts/ALPHA/")
    assert "/login?next=" in page.url


def test_wrong_password_shows_the_generic_error(page, live_server, sign_in, shoot):
    """A wrong password: the generic message, tied to the password field, and no sign-in."""
    sign_in(page, live_server.cast["csm"].email, "not the right password")
    assert page.url.endswith("/login")
    error = page.locator("#password-error")
    assert error.inner_text().strip() == GENERIC_FAILURE
    assert "password-error" in page.locator("#password").get_attribute("aria-describedby")
    shoot(page, "login-error")


def test_keyboard_only_sign_in(page, live_server):
    """Tab to each field, type, press Enter: signed in without a mouse."""
    page.goto("/login")
    page.locator("body").focus()
    for _ in range(8):  # the skip link and the brand come first
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(live_server.cast["csm"].email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/csm/$"))


def test_login_page_on_a_phone_has_no_horizontal_scroll(page, live_server):
    """At 390 px the sign-in form fits the screen."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
