"""Lean delivery: compressed answers, hashed static files cached for good, no-store only on data, noindex on link pages."""
from __future__ import annotations

import gzip
import re
from datetime import date, datetime, time, timedelta, timezone

import brotli
import pytest
from bokeh.util.paths import bokehjs_path

from analytics.usage.ingest import store_items, validate_batch
from models.db import Session
from portal.auth.reset import make_reset_token
from portal.charts import BOKEH_VERSION
from portal.share.services import create_link
from surveys.nps.campaigns import default_campaign, invite, token_for
from tests.conftest import sign_in

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def _fetch(client, url: str, encoding: str):
    response = client.get(url, headers={"Accept-Encoding": encoding})
    body = response.get_data()
    response.close()
    return response, body


def test_pages_link_content_hashed_static_files_cached_for_a_year(client):
    """Every stylesheet and script of a page has a hashed name and answers with an immutable one-year cache."""
    urls = _asset_urls(client.get("/login").get_data(as_text=True))
    assert len(urls) >= 4
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        response, _body = _fetch(client, url, "identity")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_bokehjs_is_served_by_the_portal_precompressed(client, login, world, encoding):
    """The dashboard loads BokehJS from the portal itself, hashed, in Brotli or gzip, byte for byte the package's."""
    login(world["customer_a"])
    html = client.get("/accounts/ALPHA/").get_data(as_text=True)
    bokeh_url = next(url for url in _asset_urls(html) if "/bokeh.min." in url)
    response, body = _fetch(client, bokeh_url, encoding)
    assert response.headers["Content-Encoding"] == encoding
    assert "no-store" not in response.headers["Cache-Control"]  # a public file, even for a signed-in user
    original = (bokehjs_path() / "js" / "bokeh.min.js").read_bytes()
    assert DECODE[encoding](body) == original
    assert len(body) < len(original) / 3


def _month_of_usage(app, world) -> None:
    """Thirty days of logins and feature use for Alpha, so its charts hold data."""
    today = date.today()
    events = [{"id": f"d-{back}-{kind}", "account": "ALPHA", "user": "pat@alpha.test", "type": kind,
               "ts": datetime.combine(today - timedelta(days=back), time(10), tzinfo=timezone.utc).isoformat(),
               **({"feature": "exports"} if kind == "feature_used" else {})}
              for back in range(1, 31) for kind in ("login", "feature_used")]
    with app.app_context():
        store_items(validate_batch(events))
        Session.commit()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_chart_json_are_compressed(app, client, login, world, encoding):
    """HTML and chart JSON travel compressed when the browser accepts it, and read the same once decoded."""
    _month_of_usage(app, world)
    login(world["customer_a"])
    for url in ("/accounts/ALPHA/", "/accounts/ALPHA/charts/active_users.json"):
        plain = client.get(url).get_data()
        response, body = _fetch(client, url, encoding)
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        decoded = DECODE[encoding](body)
        if url.endswith(".json"):
            assert decoded == plain
        else:  # the page differs only in its CSRF token
            assert re.sub(rb'value="[^"]+"', b"", decoded) == re.sub(rb'value="[^"]+"', b"", plain)
        assert len(body) < len(plain) / 2


def test_no_store_only_where_data_is_shown(client, login, world):
    """Signed-in pages and link pages are never stored; the sign-in page, robots.txt and static files may be."""
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    assert client.get("/robots.txt").headers["Cache-Control"] == "public, max-age=86400"
    login(world["customer_a"])
    assert client.get("/accounts/ALPHA/").headers["Cache-Control"] == "no-store"
    assert client.get("/accounts/ALPHA/charts/active_users.json").headers["Cache-Control"] == "no-store"
    response = client.get(f"/static/bokeh/{BOKEH_VERSION}/bokeh-api.min.js")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_robots_txt_keeps_crawlers_out_of_signed_in_areas(client):
    """robots.txt exists, is plain text and closes the areas behind the sign-in."""
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for area in ("/accounts/", "/admin/", "/api/", "/csm/"):
        assert f"Disallow: {area}" in lines


def _token_pages(app, world) -> list[str]:
    with app.test_request_context():
        customer = Session.merge(world["customer_a"])
        account = Session.merge(world["account_a"])
        invitation = invite(default_campaign(), customer, account)
        token, _link = create_link(account, Session.merge(world["csm_a"]), date.today() - timedelta(days=29),
                                   date.today())
        Session.commit()
        survey = f"/s/{token_for(invitation.token_salt)}"
        return [survey, f"{survey}/unsubscribe", f"/share/{token}", f"/reset-password/{make_reset_token(customer)}"]


def test_link_pages_are_not_indexed(app, client, world):
    """Survey, unsubscribe, review and password-reset pages say noindex in a meta tag and an X-Robots-Tag header."""
    for path in _token_pages(app, world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow", path
        assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True), path
    assert client.get("/share/no-such-link").headers["X-Robots-Tag"] == "noindex, nofollow"


def test_ordinary_pages_have_a_description_and_may_be_indexed(client, world):
    """The sign-in page describes the portal and carries no noindex."""
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert re.search(r'<meta name="description" content="[^"]{40,}">', html)
    assert "noindex" not in html and "X-Robots-Tag" not in response.headers
    sign_in(client, world["customer_a"])
    assert '<meta name="description"' in client.get("/accounts/ALPHA/").get_data(as_text=True)
