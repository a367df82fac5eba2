"""An admin brands the portal in a real browser: logo, name, colour and currency show on the next pages."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        '<rect width="64" height="64" rx="12" fill="#1D5FA8"/></svg>')


def test_admin_sets_the_brand_and_every_page_shows_it(page, live_server, sign_in, shoot, tmp_path):
    """Name and logo in the navigation, accent colour on links, amounts in euros; refusals name the field."""
    logo = tmp_path / "acme.svg"
    logo.write_text(LOGO)
    sign_in(page, live_server.cast["admin"].email)
    page.goto(live_server.url + "/admin/branding")
    page.get_by_label("Accent colour (#RRGGBB)").fill("#DDDDDD")
    page.get_by_role("button", name="Save the brand").click()
    assert "4.5:1" in page.locator("#color-error").inner_text()
    page.get_by_label("Vendor name").fill("Acme Analytics")
    page.get_by_label("Currency (ISO 4217 code)").fill("EUR")
    page.get_by_label("Accent colour (#RRGGBB)").fill("#1D5FA8")
    page.get_by_label("Logo (PNG or SVG, at most 1 MB)").set_input_files(str(logo))
    page.get_by_role("button", name="Save the brand").click()
    assert "The brand is saved" in page.locator(".alert").first.inner_text()
    brand = page.locator("nav .navbar-brand")
    assert brand.inner_text().strip() == "Acme Analytics"
    assert page.evaluate("document.querySelector('nav .navbar-brand img').naturalWidth") > 0
    page.goto(live_server.url + "/csm/")
    assert page.locator('[data-metric="arr"]').inner_text().startswith("€")
    assert page.title().endswith("· Acme Analytics")
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--portal-accent').trim()")
    assert accent.upper() == "#1D5FA8"
    shoot(page, "branded-portfolio")
