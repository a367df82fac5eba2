"""Review share links: creation rules, frozen snapshot, visits, expiry and revocation, access."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from models.db import Session, utcnow
from models.health import ShareLink, ShareVisit
from tests.health.helpers import add_usage, days_back

TODAY = utcnow().date()


def create(client, ext="ALPHA", **overrides):
    data = {"start": (TODAY - timedelta(days=30)).isoformat(), "end": (TODAY - timedelta(days=1)).isoformat(),
            "note": "Quarterly review", "expires_in_days": "14"}
    data.update(overrides)
    return client.post(f"/accounts/{ext}/share", data=data)


def token_of(response) -> str:
    match = re.search(r"/share/([A-Za-z0-9_-]{40,})", response.get_data(as_text=True))
    assert match, "the new link is shown"
    return match.group(1)


def test_csm_creates_a_link_that_shows_the_review_and_logs_visits(app, world, client, login, create_user):
    """The link shows the account's figures and note without navigation; each visit is logged."""
    customer = create_user("customer", account=world["account_a"], password=None)
    with app.app_context():
        add_usage(world["account_a"], [customer], days_back(TODAY - timedelta(days=1), 59, 0))
    login(world["csm_a"])
    token = token_of(create(client))
    client.post("/logout")
    anonymous = app.test_client()
    page = anonymous.get(f"/share/{token}", headers={"User-Agent": "ReviewBrowser/1"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Business review: Alpha Inc" in html and "Quarterly review" in html
    assert "Portfolio" not in html and "Sign out" not in html and 'class="navbar' not in html
    table = html[html.index('data-testid="period-table"'):]
    assert "Active users on an average day</th><td>1.0 people</td><td>1.0 people</td><td>no change</td>" in table
    assert "Logins</th><td>30 logins</td><td>30 logins</td>" in table
    anonymous.get(f"/share/{token}")
    with app.app_context():
        visits = Session.scalars(select(ShareVisit)).all()
        assert len(visits) == 2 and visits[0].user_agent == "ReviewBrowser/1" and len(visits[0].ip_hash) == 64
        assert Session.scalar(select(ShareLink.token_hash)) != token  # only the hash is stored


def test_the_snapshot_is_frozen_at_creation(app, world, client, login, create_user):
    """Usage added after the link was made does not change what the link shows."""
    customer = create_user("customer", account=world["account_a"], password=None)
    login(world["csm_a"])
    token = token_of(create(client))
    with app.app_context():
        add_usage(world["account_a"], [customer], days_back(TODAY - timedelta(days=1), 29, 0))
    html = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    table = html[html.index('data-testid="period-table"'):]
    assert "Active users</th><td>0 people</td><td>0 people</td>" in table


def test_the_next_review_shows_what_changed_since_the_last(app, world, client, login, create_user):
    """A second link compares its figures with the first link's snapshot, metric by metric."""
    customer = create_user("customer", account=world["account_a"], password=None)
    login(world["csm_a"])
    create(client)
    with app.app_context():
        add_usage(world["account_a"], [customer], days_back(TODAY - timedelta(days=1), 29, 0))
    token = token_of(create(client))
    html = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    since = html[html.index('data-testid="since-table"'):]
    assert "Active users</th><td>0 people</td><td>1 people</td><td>▲ +1</td>" in since


def test_revoked_and_expired_links_answer_410_and_unknown_404(app, world, client, login):
    """Revoke → 410 with a plain page; past expiry → 410; a made-up token → 404."""
    login(world["csm_a"])
    token = token_of(create(client))
    with app.app_context():
        link_id = Session.scalar(select(ShareLink.id))
    assert client.post(f"/accounts/ALPHA/share/{link_id}/revoke").status_code == 302
    gone = app.test_client().get(f"/share/{token}")
    assert gone.status_code == 410 and "no longer valid" in gone.get_data(as_text=True)
    assert app.test_client().get(f"/share/{token}/charts/period_active_users.json").status_code == 410
    token2 = token_of(create(client))
    with app.app_context():
        link = Session.scalars(select(ShareLink).order_by(ShareLink.id.desc())).first()
        link.expires_at = utcnow() - timedelta(minutes=1)
        link.created_at = utcnow() - timedelta(days=15)
        Session.commit()
    assert app.test_client().get(f"/share/{token2}").status_code == 410
    assert app.test_client().get("/share/not-a-real-token").status_code == 404


def test_bad_link_input_is_refused_and_nothing_stored(app, world, client, login):
    """A period ending in the future, expiry over 90 days, start after end, start in year 1: 422, no link."""
    login(world["csm_a"])
    future = create(client, end=(TODAY + timedelta(days=5)).isoformat())
    assert future.status_code == 422 and "cannot end in the future" in future.get_data(as_text=True)
    too_long = create(client, expires_in_days="91")
    assert too_long.status_code == 422 and "1 to 90 days" in too_long.get_data(as_text=True)
    backwards = create(client, start=TODAY.isoformat(), end=(TODAY - timedelta(days=3)).isoformat())
    assert backwards.status_code == 422
    year_one = create(client, start="0001-01-01", end="0001-01-31")  # no room for the period before it
    assert year_one.status_code == 422 and "on or after 1900-01-01" in year_one.get_data(as_text=True)
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(ShareLink)) == 0


def test_csm_cannot_share_or_revoke_another_csms_account(app, world, client, login):
    """CSM A: 404 on B's account; revoking B's link through A's account is 404 too; a customer gets 403."""
    login(world["csm_b"])
    create(client, ext="BETA")
    client.post("/logout")
    with app.app_context():
        link_id = Session.scalar(select(ShareLink.id))
    login(world["csm_a"])
    assert create(client, ext="BETA").status_code == 404
    assert client.post(f"/accounts/BETA/share/{link_id}/revoke").status_code == 404
    assert client.post(f"/accounts/ALPHA/share/{link_id}/revoke").status_code == 404
    with app.app_context():
        assert Session.get(ShareLink, link_id).revoked_at is None
        assert Session.scalar(select(func.count()).select_from(ShareLink)) == 1
    client.post("/logout")
    login(world["customer_a"])
    assert client.get("/accounts/ALPHA/share").status_code == 403


def test_share_form_defaults_to_the_last_quarter(app, world, client, login):
    """The form proposes the last complete calendar quarter."""
    login(world["csm_a"])
    html = client.get("/accounts/ALPHA/share").get_data(as_text=True)
    from portal.share.snapshot import quarter_periods

    quarter = quarter_periods(TODAY)
    assert quarter.start.isoformat() in html and quarter.end.isoformat() in html
    assert quarter.end < date(TODAY.year, TODAY.month, 1) + timedelta(days=1)


def test_share_charts_answer_json(app, world, client, login, create_user):
    """Chart JSON of the review: empty state without data, a Bokeh document with data."""
    login(world["csm_a"])
    token = token_of(create(client))
    assert app.test_client().get(f"/share/{token}/charts/period_active_users.json").get_json()["empty"] is True
    customer = create_user("customer", account=world["account_a"], password=None)
    with app.app_context():
        add_usage(world["account_a"], [customer], days_back(TODAY - timedelta(days=1), 29, 0))
    token = token_of(create(client))
    assert "doc" in app.test_client().get(f"/share/{token}/charts/period_active_users.json").get_json()
    assert app.test_client().get(f"/share/{token}/charts/nope.json").status_code == 404


def test_the_review_shows_the_dashboard_frozen_with_its_cards_and_charts(app, world, client, login, create_user):
    """The review holds the dashboard's headline figures, the health card and the dashboard's charts, as at creation."""
    from analytics.health.recompute import recompute

    customer = create_user("customer", account=world["account_a"], password=None)
    with app.app_context():
        add_usage(world["account_a"], [customer], days_back(TODAY - timedelta(days=1), 59, 0))
        recompute(TODAY - timedelta(days=1))
        Session.commit()
    login(world["csm_a"])
    token = token_of(create(client))
    html = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    assert 'data-headline="active_users"' in html and 'data-card="health"' in html
    assert f"/share/{token}/charts/active_users.json" in html
    assert "doc" in app.test_client().get(f"/share/{token}/charts/active_users.json").get_json()
    assert 'data-card="forecast"' not in html  # staff-only cards stay out of the review
