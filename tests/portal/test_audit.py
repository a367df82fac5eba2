"""The audit log: one entry per audited act, scoped reading, filters, CSV export, and no way to change an entry."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import delete, exc, func, select, update

from core.audit import record
from knowledge import services as kb_services
from models.audit import AuditEntry
from models.db import Session, utcnow
from models.health import ShareLink
from portal import services
from tests.conftest import sign_in

TODAY = utcnow().date()


def _admin(ctx):
    sign_in(ctx["client"], ctx["world"]["admin"])


def _share_link(ctx) -> tuple[int, str]:
    client = ctx["client"]
    response = client.post("/accounts/ALPHA/share", data={
        "start": (TODAY - timedelta(days=30)).isoformat(), "end": (TODAY - timedelta(days=1)).isoformat(),
        "note": "Review", "expires_in_days": "14"})
    token = re.search(r"/share/([A-Za-z0-9_-]{40,})", response.get_data(as_text=True)).group(1)
    return Session.scalar(select(func.max(ShareLink.id))), token


def act_signin_success(ctx):
    return lambda: sign_in(ctx["client"], ctx["world"]["customer_a"])


def act_signin_failure(ctx):
    return lambda: ctx["client"].post("/login", data={"email": ctx["world"]["customer_a"].email, "password": "nope nope"})


def act_user_created(ctx):
    _admin(ctx)
    return lambda: ctx["client"].post("/admin/users/new", data={
        "email": "new.person@alpha.example", "name": "New Person", "role": "customer", "account": "ALPHA",
        "password": "a long enough passphrase"})


def _edit_customer(ctx, **changes):
    user = ctx["world"]["customer_a"]
    data = {"email": user.email, "name": user.name, "role": "customer", "account": "ALPHA", "is_active": "y", **changes}
    return lambda: ctx["client"].post(f"/admin/users/{user.id}/edit", data=data)


def act_role_changed(ctx):
    _admin(ctx)
    return _edit_customer(ctx, role="csm", account="")


def act_user_changed(ctx):
    _admin(ctx)
    return _edit_customer(ctx, name="Renamed Person")


def act_token_created(ctx):
    _admin(ctx)
    return lambda: ctx["client"].post(f"/admin/users/{ctx['world']['csm_a'].id}/tokens", data={"name": "sync"})


def act_token_revoked(ctx):
    _admin(ctx)
    services.create_token(email=ctx["world"]["csm_a"].email, name="old")
    Session.commit()
    token_id = Session.scalar(select(func.max(services.ApiToken.id)))
    return lambda: ctx["client"].post(f"/admin/users/{ctx['world']['csm_a'].id}/tokens/{token_id}/revoke")


def act_share_created(ctx):
    sign_in(ctx["client"], ctx["world"]["csm_a"])
    return lambda: _share_link(ctx)


def act_share_viewed(ctx):
    sign_in(ctx["client"], ctx["world"]["csm_a"])
    _link_id, token = _share_link(ctx)
    return lambda: ctx["app"].test_client().get(f"/share/{token}")


def act_share_revoked(ctx):
    sign_in(ctx["client"], ctx["world"]["csm_a"])
    link_id, _token = _share_link(ctx)
    return lambda: ctx["client"].post(f"/accounts/ALPHA/share/{link_id}/revoke")


def act_health_weights(ctx):
    _admin(ctx)
    data = {"weight_usage": "35", "weight_adoption": "20", "weight_sentiment": "15", "weight_engagement": "10",
            "weight_plan": "10", "weight_maturity": "10", "red_below": "40", "green_from": "70",
            "gross_margin": "0.8", "save": "Save"}
    return lambda: ctx["client"].post("/csm/settings/health", data=data)


def act_article_published(ctx):
    _admin(ctx)
    return lambda: ctx["client"].post("/kb/admin/new", data={
        "title": "Scheduling reports", "status": "published", "body_markdown": "Steps."})


def act_article_published_by_api(ctx):
    headers = {"Authorization": f"Bearer {ctx['api_token'](ctx['world']['admin'])}"}
    return lambda: ctx["client"].post("/api/v1/kb/articles", headers=headers, json={
        "title": "Imported", "body_markdown": "Text.", "status": "published"})


def act_article_archived(ctx):
    _admin(ctx)
    article = kb_services.create_article(kb_services.ArticleInput(title="Old news", body_markdown="x", status="published"),
                                         None)
    Session.commit()
    return lambda: ctx["client"].post(f"/kb/admin/{article.id}/archive")


def act_view_as_start(ctx):
    sign_in(ctx["client"], ctx["world"]["csm_a"])
    return lambda: ctx["client"].post("/accounts/ALPHA/view-as", data={"customer": ctx["world"]["customer_a"].id})


def act_view_as_end(ctx):
    act_view_as_start(ctx)()
    return lambda: ctx["client"].post("/view-as/end")


def act_export(ctx):
    _admin(ctx)
    return lambda: ctx["client"].get("/audit/export.csv")


def act_security_setting(ctx):
    _admin(ctx)
    return lambda: ctx["client"].post("/admin/security", data={"require_admins": "y"})


def act_cli_user(ctx):
    return lambda: ctx["app"].test_cli_runner().invoke(args=[
        "users", "create", "--email", "cli@alpha.example", "--password", "a fine passphrase", "--role", "customer",
        "--account", "ALPHA"])


def act_cli_token(ctx):
    return lambda: ctx["app"].test_cli_runner().invoke(args=["tokens", "create", "--email", ctx["world"]["admin"].email])


ACTS = [
    ("signin.success", act_signin_success, "ALPHA"),
    ("signin.failure", act_signin_failure, "ALPHA"),
    ("user.created", act_user_created, "ALPHA"),
    ("user.role_changed", act_role_changed, ""),
    ("user.changed", act_user_changed, "ALPHA"),
    ("token.created", act_token_created, ""),
    ("token.revoked", act_token_revoked, ""),
    ("share.created", act_share_created, "ALPHA"),
    ("share.viewed", act_share_viewed, "ALPHA"),
    ("share.revoked", act_share_revoked, "ALPHA"),
    ("settings.health", act_health_weights, ""),
    ("article.published", act_article_published, ""),
    ("article.published", act_article_published_by_api, ""),
    ("article.archived", act_article_archived, ""),
    ("view_as.start", act_view_as_start, "ALPHA"),
    ("view_as.end", act_view_as_end, "ALPHA"),
    ("export.audit", act_export, ""),
    ("settings.security", act_security_setting, ""),
    ("user.created", act_cli_user, "ALPHA"),
    ("token.created", act_cli_token, ""),
]


@pytest.mark.parametrize("action, prepare, account", ACTS, ids=[prepare.__name__[4:] for _a, prepare, _x in ACTS])
def test_each_audited_act_writes_exactly_one_entry(app, world, client, api_token, action, prepare, account):
    """The act adds one entry, with its action, its account and where it came from."""
    act = prepare({"app": app, "world": world, "client": client, "api_token": api_token})
    before = Session.scalar(select(func.max(AuditEntry.id))) or 0
    response = act()
    if hasattr(response, "status_code"):
        assert response.status_code < 500 and response.status_code != 403, response.get_data(as_text=True)[:300]
    Session.expire_all()
    added = Session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    assert [entry.action for entry in added] == [action]
    assert added[0].account_external_id == account
    assert added[0].user_agent  # the browser's or "command line"


def test_nothing_unaudited_is_written_by_a_page_view(app, world, client):
    """Reading pages writes no entries (the log holds acts, not noise)."""
    sign_in(client, world["csm_a"])
    count = Session.scalar(select(func.count()).select_from(AuditEntry))
    for path in ("/csm/", "/accounts/ALPHA/", "/audit/", "/kb/"):
        client.get(path)
    assert Session.scalar(select(func.count()).select_from(AuditEntry)) == count


def _entries(app, world):
    with app.app_context():
        record("signin.success", actor=world["customer_a"], account=world["account_a"], address="10.0.0.1")
        record("signin.success", actor=world["customer_b"], account=world["account_b"], address="10.0.0.2")
        record("settings.health", actor=world["admin"], detail="Weights changed.")
        Session.commit()


def test_a_csm_sees_only_the_entries_of_their_accounts(app, world, client):
    """CSM: their accounts' entries, no other account's and no staff-wide ones; admin: all."""
    _entries(app, world)
    sign_in(client, world["csm_a"])
    text = client.get("/audit/").get_data(as_text=True)
    assert world["customer_a"].email in text
    assert world["customer_b"].email not in text and "Weights changed." not in text
    exported = client.get("/audit/export.csv").get_data(as_text=True)
    assert world["customer_b"].email not in exported
    admin = app.test_client()
    sign_in(admin, world["admin"])
    text = admin.get("/audit/").get_data(as_text=True)
    assert world["customer_b"].email in text and "Weights changed." in text
    customer = app.test_client()
    sign_in(customer, world["customer_a"])
    assert customer.get("/audit/").status_code == 403


def test_filters_and_pages(app, world, client):
    """Actor, action, account and dates narrow the list; 50 entries a page."""
    with app.app_context():
        for _ in range(120):
            record("token.created", actor=world["admin"], account=world["account_a"])
        record("token.revoked", actor=world["csm_b"], account=world["account_b"])
        Session.commit()
    sign_in(client, world["admin"])
    first = client.get("/audit/?action=token.created").get_data(as_text=True)
    assert "Entries 1–50 of 120" in first
    third = client.get("/audit/?action=token.created&page=3").get_data(as_text=True)
    assert "Entries 101–120 of 120" in third
    by_actor = client.get(f"/audit/?actor={world['csm_b'].email[:6]}").get_data(as_text=True)
    assert "<td>API token revoked" in by_actor and "<td>API token created" not in by_actor
    by_account = client.get("/audit/?account=beta").get_data(as_text=True)
    assert "<td>API token revoked" in by_account and "<td>API token created" not in by_account
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = client.get(f"/audit/?start={tomorrow}").get_data(as_text=True)
    assert "Nothing matches these filters" in future
    rows = list(csv.reader(io.StringIO(client.get(f"/audit/export.csv?account=ALPHA&end={tomorrow}").get_data(as_text=True))))
    assert rows[0][:3] == ["at", "action", "actor"] and len(rows) == 121


@pytest.mark.parametrize("query", ["start=2026-13-01", "end=yesterday", "start=2026-05-02&end=2026-05-01", "action=drop"])
def test_bad_filters_get_a_sentence(app, world, client, query):
    """A malformed date, reversed dates or an unknown action: 400 and a sentence, on the page and the export."""
    sign_in(client, world["admin"])
    page = client.get(f"/audit/?{query}")
    assert page.status_code == 400 and "alert-danger" in page.get_data(as_text=True)
    assert client.get(f"/audit/export.csv?{query}").status_code == 400


def test_csv_cells_that_look_like_formulas_are_neutralised(app, world, client):
    """=, +, -, @, tab and CR at the start of a cell get a leading apostrophe."""
    with app.app_context():
        for text in ("=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain"):
            record("user.changed", actor=world["admin"], target=text, detail=text)
        Session.commit()
    sign_in(client, world["admin"])
    response = client.get("/audit/export.csv?action=user.changed")
    assert response.mimetype == "text/csv"
    targets = [row[4] for row in csv.reader(io.StringIO(response.get_data(as_text=True)))][1:]
    assert sorted(targets) == sorted(["'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain"])


def _snapshot():
    Session.expire_all()
    return [tuple(getattr(entry, column.name) for column in AuditEntry.__table__.columns)
            for entry in Session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _value_for(converter, an_id: int):
    """A value the route's converter accepts: an id, one of an `any()` choice, else an external id."""
    kind = converter.__class__.__name__
    if kind == "IntegerConverter":
        return an_id
    if kind == "AnyConverter":
        return sorted(converter.items)[0]
    return "ALPHA"


def test_no_route_changes_or_removes_an_entry(app, world, api_token):
    """Every route, every method, as an admin and with an admin token: existing entries stay exactly as they were."""
    _entries(app, world)
    with app.app_context():
        token = api_token(world["admin"])
    browser = app.test_client()
    sign_in(browser, world["admin"])
    with app.app_context():
        before = _snapshot()
    ids = [row[0] for row in before]
    tried, failed = 0, []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}) + ["GET"]
        values = {name: _value_for(rule._converters[name], ids[0]) for name in rule.arguments}
        if rule.endpoint in ("static", "bokehjs.bokeh_js", "auth.logout"):
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in methods:
            responses = [
                browser.open(url, method=method, data={"action": "signin.failure", "detail": "rewritten", "id": ids[0]}),
                browser.open(url, method=method, headers={"Authorization": f"Bearer {token}"},
                             json={"id": ids[0], "action": "signin.failure", "detail": "rewritten"}),
            ]
            # A route that tried to rewrite an entry would meet the database's refusal: a 5xx.
            failed += [f"{method} {url}: {r.status_code}" for r in responses if r.status_code >= 500]
            tried += 1
    assert tried > 50
    assert failed == []
    with app.app_context():
        after = _snapshot()
    assert after[:len(before)] == before


def test_the_database_refuses_to_change_an_entry(app, world):
    """UPDATE and DELETE on audit_entry fail in the database itself (SQLite and PostgreSQL)."""
    _entries(app, world)
    with app.app_context():
        with pytest.raises(exc.DBAPIError, match="append-only"):
            Session.execute(update(AuditEntry).values(detail="rewritten"))
        Session.rollback()
        with pytest.raises(exc.DBAPIError, match="append-only"):
            Session.execute(delete(AuditEntry))
        Session.rollback()
        assert Session.scalar(select(func.count()).select_from(AuditEntry)) == 3
