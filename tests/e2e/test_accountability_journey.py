"""Journeys of two-factor sign-in, "view as customer" and the audit log, in a real browser."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from models.db import utcnow

pytestmark = pytest.mark.browser


def test_a_customer_turns_on_two_factor_and_signs_in_with_a_code(page, live_server, sign_in, shoot):
    """Scan (read) the QR code's key, confirm, keep the recovery codes; the next sign-in asks for a code."""
    customer = live_server.cast["customer"]
    sign_in(page, customer.email)
    page.get_by_role("link", name="Two-factor").click()
    qr = page.locator(".two-factor-qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100
    shoot(page, "two-factor-enrol")
    totp = pyotp.TOTP(page.locator("code").inner_text().strip())
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login$"))
    sign_in(page, customer.email)
    assert page.url.endswith("/login/two-factor")
    page.get_by_label("Code").fill(totp.at(utcnow() + timedelta(seconds=30)))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/ALPHA/$"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/two-factor")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_csm_views_as_the_customer_and_leaves_in_one_click(page, live_server, sign_in, shoot):
    """From the dashboard: pick the customer, see the banner, end it, and find both acts in the audit log."""
    sign_in(page, live_server.cast["csm"].email)
    page.goto("/accounts/ALPHA/")
    page.get_by_role("link", name="View as a customer").click()
    page.get_by_label("Customer").select_option(label=f"Pat Customer ({live_server.cast['customer'].email})")
    page.get_by_role("button", name="View as this customer").click()
    page.wait_for_url(re.compile(r"/accounts/ALPHA/$"))
    banner = page.locator(".view-as-banner")
    assert "You are viewing the portal as Pat Customer of Alpha Inc" in banner.inner_text()
    assert "View as a customer" not in page.locator("main").inner_text()  # the customer's own page
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "view-as-banner")
    page.get_by_role("button", name="End the customer view").click()
    assert page.locator(".view-as-banner").count() == 0
    page.get_by_role("link", name="Audit log").click()
    rows = page.locator("table tbody").inner_text()
    assert "Started viewing as a customer" in rows and "Stopped viewing as a customer" in rows
    shoot(page, "audit-log-csm")
