""""View as customer": the customer's own view, read-only, confined to their account, audited, one click out."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from knowledge import services as kb_services
from models.accounts import Account
from models.audit import AuditEntry
from models.db import Session
from models.knowledge import KbSearchLog, KbVote
from models.usage import EngagementEvent
from tests.conftest import sign_in


def count(model) -> int:
    Session.expire_all()
    return Session.scalar(select(func.count()).select_from(model))


def start(client, world, who="csm_a", customer="customer_a", ext="ALPHA"):
    sign_in(client, world[who])
    return client.post(f"/accounts/{ext}/view-as", data={"customer": world[customer].id})


@pytest.mark.parametrize("who", ["csm_a", "admin"])
def test_staff_see_the_portal_as_the_customer_with_a_banner(app, world, client, who):
    """The dashboard answers as for the customer (no staff-only parts), with a banner and a way out."""
    response = start(client, world, who)
    assert response.status_code == 302 and response.headers["Location"].endswith("/accounts/ALPHA/")
    page = client.get("/accounts/ALPHA/").get_data(as_text=True)
    assert "You are viewing the portal as" in page and world["customer_a"].name in page
    assert "End the customer view" in page
    assert f"{world['customer_a'].name} · customer" in page  # the navigation shows the customer, as they see it
    assert client.get("/csm/").status_code == 403
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "view_as.start"))
    assert entry.actor_email == world[who].email and entry.target == f"customer {world['customer_a'].email}"


def test_the_customer_view_cannot_reach_another_account(app, world, client):
    """Even as an admin, the view as a customer of Alpha knows no Beta: 404, like for the customer."""
    start(client, world, "admin")
    assert client.get("/accounts/BETA/").status_code == 404
    assert client.get("/accounts/BETA/plan").status_code == 404
    assert client.get("/audit/").status_code == 403
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("path, data", [
    ("/logout", {}),
    ("/password", {"current_password": "x", "password": "a new passphrase", "confirm": "a new passphrase"}),
    ("/accounts/ALPHA/view-as", {"customer": "1"}),
    ("/accounts/ALPHA/share", {"start": "2026-01-01", "end": "2026-01-31", "expires_in_days": "14"}),
    ("/account/two-factor", {"code": "123456"}),
])
def test_every_post_is_refused_while_viewing(app, world, client, path, data):
    """POSTs answer 403 with a sentence and change nothing."""
    start(client, world)
    entries = count(AuditEntry)
    response = client.post(path, data=data)
    assert response.status_code == 403
    assert "nothing can be changed" in response.get_data(as_text=True)
    assert count(AuditEntry) == entries
    assert "You are viewing the portal as" in client.get("/accounts/ALPHA/").get_data(as_text=True)


def test_a_vote_posted_while_viewing_is_not_stored(app, world, client):
    """The article's feedback form is refused too."""
    article = kb_services.create_article(kb_services.ArticleInput(title="Reports", body_markdown="x", status="published"),
                                         None)
    Session.commit()
    start(client, world)
    assert client.post(f"/kb/{article.slug}/vote", data={"helpful": "yes"}).status_code == 403
    assert count(KbVote) == 0


def test_pages_seen_while_viewing_leave_no_trace_as_the_customer(app, world, client):
    """The customer's visit counts, article views and search log stay as they were."""
    article = kb_services.create_article(kb_services.ArticleInput(title="Reports", body_markdown="x", status="published"),
                                         None)
    Session.commit()
    start(client, world)
    before = (count(EngagementEvent), count(KbSearchLog))
    assert client.get("/accounts/ALPHA/").status_code == 200
    assert client.get(f"/kb/{article.slug}").status_code == 200
    assert client.get("/kb/search?q=reports").status_code == 200
    assert (count(EngagementEvent), count(KbSearchLog)) == before
    customer = app.test_client()
    sign_in(customer, world["customer_a"])
    customer.get("/accounts/ALPHA/")
    assert count(EngagementEvent) == before[0] + 1  # the customer's own visit does count


def test_one_click_ends_it_and_is_audited(app, world, client):
    """The banner's button ends the view; the staff member is themself again."""
    start(client, world)
    response = client.post("/view-as/end")
    assert response.status_code == 302
    assert client.get("/csm/").status_code == 200
    assert "You are viewing the portal as" not in client.get("/accounts/ALPHA/").get_data(as_text=True)
    actions = Session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("view_as.%"))
                              .order_by(AuditEntry.id)).all()
    assert actions == ["view_as.start", "view_as.end"]


@pytest.mark.parametrize("who, ext, customer, status", [
    ("csm_a", "BETA", "customer_b", 404),  # not their account: unknown
    ("customer_a", "ALPHA", "customer_a", 403),  # customers may not
    ("csm_a", "ALPHA", "customer_b", 422),  # a customer of another account is not on the list
])
def test_who_may_start_and_whom(app, world, client, who, ext, customer, status):
    """Only the account's CSM or an admin, and only as one of that account's customers."""
    response = start(client, world, who, customer, ext)
    assert response.status_code == status
    assert Session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "view_as.start")) == 0


def test_the_view_ends_when_the_account_is_reassigned(app, world, client):
    """A CSM who loses the account loses the customer view at the next request."""
    start(client, world)
    Session.execute(update(Account).where(Account.external_id == "ALPHA").values(csm_id=world["csm_b"].id))
    Session.commit()
    assert client.get("/accounts/ALPHA/").status_code == 404  # the CSM again, and Alpha is no longer theirs
    assert client.get("/csm/").status_code == 200


def test_the_picker_lists_the_accounts_customers(app, world, client):
    """The start page offers the account's active customers only."""
    sign_in(client, world["csm_a"])
    page = client.get("/accounts/ALPHA/view-as").get_data(as_text=True)
    assert world["customer_a"].email in page and world["customer_b"].email not in page
