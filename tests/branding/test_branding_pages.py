"""The brand on pages: the admin page, the served logo, the layout, amounts in the brand's currency, the NPS question."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

from core.branding import get_brand, set_brand
from models.accounts import Account, User
from models.db import Session, utcnow
from portal.share.services import create_link
from surveys.nps.campaigns import default_campaign, invite, survey_link

SAFE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#123456"/></svg>'


def _set(**parts):
    set_brand(**parts)
    Session.commit()


def test_admin_page_saves_the_brand_with_a_logo(client, world, login):
    """An admin sets every part on the page; the logo is then served by the portal, unscriptable."""
    login(world["admin"])
    assert client.get("/admin/branding").status_code == 200
    response = client.post("/admin/branding", data={
        "name": "Acme Analytics", "currency": "GBP", "color": "#1D5FA8", "support_email": "help@acme.example",
        "logo": (io.BytesIO(SAFE_SVG), "acme.svg")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    Session.rollback()
    brand = get_brand()
    assert (brand.name, brand.currency, brand.support_email) == ("Acme Analytics", "GBP", "help@acme.example")
    logo = client.get("/branding/logo")
    assert logo.status_code == 200 and logo.data == SAFE_SVG
    assert logo.headers["Content-Type"] == "image/svg+xml"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in logo.headers["Content-Security-Policy"]


def test_admin_page_reports_every_refusal_and_changes_nothing(client, world, login):
    """Bad currency, colour and logo at once: each field says why, in a sentence, and the brand stays."""
    _set(name="Acme Analytics")
    login(world["admin"])
    response = client.post("/admin/branding", data={
        "name": "Other Name", "currency": "XYZ", "color": "#BBBBBB", "support_email": "",
        "logo": (io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>'), "x.svg")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is not an ISO 4217 currency code" in page
    assert "4.5:1" in page
    assert "event handler" in page
    Session.rollback()
    assert get_brand().name == "Acme Analytics"


def test_no_logo_answers_404(client):
    """Without a logo the address is not found."""
    assert client.get("/branding/logo").status_code == 404


def test_layout_shows_the_brand_not_the_generic_name(client, world, login):
    """The navigation, the title and the accent colour come from the brand."""
    _set(name="Acme Analytics", color="#1D5FA8", support_email="help@acme.example")
    page = client.get("/login").get_data(as_text=True)
    assert "Success Portal" not in page
    assert "<title>Sign in · Acme Analytics</title>" in page or "· Acme Analytics</title>" in page
    assert "--portal-accent: #1D5FA8" in page
    assert "help@acme.example" in page
    assert "Figures are computed" not in page  # no figures on the sign-in page


def test_portfolio_amounts_carry_the_currency_for_the_viewers_locale(client, world, login, create_account):
    """MRR, ARR and LTV show the brand's currency, written as the viewer's language writes it."""
    _set(currency="EUR")
    create_account(name="Gamma", external_id="GAMMA", csm=world["csm_a"], arr=Decimal("2547000"))
    login(world["admin"])
    english = client.get("/csm/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    mrr = re.search(r'data-metric="mrr">([^<]*)<', english).group(1)
    arr = re.search(r'data-metric="arr">([^<]*)<', english).group(1)
    assert mrr.startswith("€") and "per month" in mrr
    assert arr == "€2,571,000 per year"
    german = client.get("/csm/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert re.search(r'data-metric="arr">([^<]*)<', german).group(1) == "2.571.000\xa0€ per year"
    assert "Figures are computed" in english


def test_admin_accounts_list_shows_arr_in_the_currency(client, world, login):
    """The accounts table's ARR carries the currency."""
    _set(currency="JPY")
    login(world["admin"])
    page = client.get("/admin/accounts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "¥12,000" in page


def test_nps_question_names_the_vendor_and_thanks_with_a_way_back(app, client, world):
    """"How likely are you to recommend Acme Analytics …"; the thank-you page links back into the portal."""
    with app.app_context():
        _set(name="Acme Analytics")
        invitation = invite(default_campaign(), world["customer_a"], world["account_a"])
        Session.commit()
        path = survey_link(invitation).removeprefix("http://portal.test")
    page = client.get(path).get_data(as_text=True)
    assert "How likely are you to recommend Acme Analytics to a friend or colleague?" in page
    assert "recommend us" not in page
    thanks = client.post(path, data={"score": "9", "comment": ""}).get_data(as_text=True)
    assert 'href="/"' in thanks and "Go to your Acme Analytics portal" in thanks
    assert "Figures are computed" not in thanks


def test_review_link_shows_the_brand(app, client, world, login):
    """The read-only review a CSM shares carries the vendor's name."""
    _set(name="Acme Analytics")
    today = utcnow().date()
    with app.app_context():
        token, _link = create_link(Session.get(Account, world["account_a"].id), Session.get(User, world["csm_a"].id),
                                   today - timedelta(days=27), today)
        Session.commit()
    page = client.get(f"/share/{token}").get_data(as_text=True)
    assert 'data-testid="brand">' in page and "Acme Analytics" in page
