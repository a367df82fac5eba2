"""Admin pages: accounts, users and API tokens."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.accounts import Account, ApiToken, User
from models.db import Session
from tests.conftest import PASSWORD, sign_in


@pytest.fixture
def admin_client(client, world):
    """A client signed in as the admin."""
    sign_in(client, world["admin"])
    return client


def _account(ext: str) -> Account:
    Session.expire_all()
    return Session.scalar(select(Account).where(Account.external_id == ext))


def test_admin_lists_and_searches_accounts(admin_client, world):
    """Every account is listed; the search narrows it."""
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    assert "Alpha Inc" in page and "Beta Ltd" in page
    page = admin_client.get("/admin/accounts?q=beta").get_data(as_text=True)
    assert "Beta Ltd" in page and "Alpha Inc" not in page


def test_admin_creates_an_account(admin_client, world):
    """The form creates an account with its CSM."""
    response = admin_client.post("/admin/accounts/new", data={
        "name": "Gamma GmbH", "external_id": "GAMMA", "arr": "48,000", "seats": "30",
        "csm": world["csm_a"].email, "renewal": "2027-03-01", "since": "2025-01-15",
    })
    assert response.status_code == 302
    account = _account("GAMMA")
    assert account.arr == Decimal("48000.00") and account.seats == 30 and account.csm_id == world["csm_a"].id
    assert account.customer_since == date(2025, 1, 15)


@pytest.mark.parametrize("field, value, message", [
    ("external_id", "ALPHA", "already exists"),
    ("external_id", "has space", "external id must be"),
    ("arr", "lots", "ARR must be a number"),
    ("arr", "-5", "between 0"),
    ("seats", "2.5", "whole number"),
    ("renewal", "01/03/2027", "Enter the renewal date as a date, e.g. 2027-01-31"),
    ("seats", "0", "at least 1 licensed seat"),
    ("csm", "nobody@example.test", "Choose a CSM from the list"),
])
def test_account_form_shows_errors_on_the_field_and_saves_nothing(admin_client, world, field, value, message):
    """Bad input: 422, the message next to the field, nothing created."""
    data = {"name": "Delta", "external_id": "DELTA", "arr": "1000", "seats": "5", "csm": "", "renewal": "", "since": ""}
    data[field] = value
    response = admin_client.post("/admin/accounts/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert Session.scalar(select(func.count()).select_from(Account)) == 2


def test_account_form_reports_every_error_at_once(admin_client, world):
    """One submission with five wrong values shows five sentences, each next to its field; nothing is created."""
    data = {"name": "", "external_id": "has space", "arr": "lots", "seats": "0", "csm": "",
            "renewal": "31/01/2027", "since": ""}
    response = admin_client.post("/admin/accounts/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, sentence in [("name", "Enter the account&#39;s name"), ("external_id", "external id must be"),
                            ("arr", "ARR must be a number"), ("seats", "at least 1 licensed seat"),
                            ("renewal", "Enter the renewal date as a date")]:
        error = html.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
        assert sentence in error, field
        assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
    assert "This field is required" not in html and "Not a valid" not in html
    assert Session.scalar(select(func.count()).select_from(Account)) == 2


def test_account_edit_reports_every_error_at_once(admin_client, world):
    """Editing: a zero seat count and a churn without its day are both reported, and nothing changes."""
    data = {"name": "Beta Ltd", "external_id": "BETA", "arr": "9000", "seats": "0", "csm": "",
            "renewal": "", "since": "2024-01-01", "status": "churned", "churned_on": ""}
    response = admin_client.post("/admin/accounts/BETA/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "at least 1 licensed seat" in html and "needs the day it churned" in html
    account = _account("BETA")
    assert account.status == "active" and account.seats > 0


def test_admin_edits_an_account_and_marks_it_churned(admin_client, world):
    """Editing changes the fields; churned needs the churn date."""
    form = admin_client.get("/admin/accounts/BETA/edit").get_data(as_text=True)
    assert 'value="Beta Ltd"' in form
    data = {"name": "Beta Limited", "external_id": "BETA", "arr": "9000", "seats": "7", "csm": world["csm_a"].email,
            "renewal": "", "since": "2024-01-01", "status": "churned", "churned_on": ""}
    refused = admin_client.post("/admin/accounts/BETA/edit", data=data)
    assert refused.status_code == 422 and "needs the day it churned" in refused.get_data(as_text=True)
    assert _account("BETA").status == "active"
    data["churned_on"] = "2026-06-30"
    assert admin_client.post("/admin/accounts/BETA/edit", data=data).status_code == 302
    account = _account("BETA")
    assert (account.name, account.status, account.churned_on, account.csm_id) == (
        "Beta Limited", "churned", date(2026, 6, 30), world["csm_a"].id)


def test_unknown_account_edit_is_404(admin_client, world):
    """An external id that does not exist answers 404."""
    assert admin_client.get("/admin/accounts/NOPE/edit").status_code == 404


def test_admin_creates_a_customer_who_can_sign_in(app, admin_client, world):
    """A user created with a password signs in and lands on their account."""
    response = admin_client.post("/admin/users/new", data={
        "email": "New.Person@Example.test", "name": "New Person", "role": "customer", "account": "BETA",
        "password": "a long enough passphrase"})
    assert response.status_code == 302
    other = app.test_client()
    signed_in = other.post("/login", data={"email": "new.person@example.test", "password": "a long enough passphrase"})
    assert signed_in.headers["Location"] == "/accounts/BETA/"


def test_user_created_without_password_gets_a_link(admin_client, world):
    """No password: a reset link is queued so the person sets one."""
    from models.mail import OutboxMessage

    response = admin_client.post("/admin/users/new", data={"email": "csm.new@example.test", "role": "csm",
                                                           "account": "", "password": ""})
    assert response.status_code == 302
    assert [m.to_address for m in Session.scalars(select(OutboxMessage)).all()] == ["csm.new@example.test"]


@pytest.mark.parametrize("data, message", [
    ({"email": "not-an-email", "role": "csm", "account": ""}, "not a valid e-mail"),
    ({"email": "dup@example.test", "role": "customer", "account": ""}, "needs --account"),
    ({"email": "x@example.test", "role": "csm", "account": "ALPHA"}, "Only customer users"),
    ({"email": "x@example.test", "role": "csm", "account": "", "password": "password"}, "too common"),
    ({"email": "x@example.test", "role": "boss", "account": ""}, "Choose the role: customer, CSM or admin."),
])
def test_user_form_refuses_bad_input(admin_client, world, data, message):
    """Bad user input: 422 with the reason, nobody created."""
    before = Session.scalar(select(func.count()).select_from(User))
    response = admin_client.post("/admin/users/new", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert Session.scalar(select(func.count()).select_from(User)) == before


def test_duplicate_email_is_refused(admin_client, world):
    """Two users cannot share an e-mail, whatever its case."""
    response = admin_client.post("/admin/users/new", data={"email": world["csm_b"].email.upper(), "role": "csm",
                                                           "account": ""})
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)


def test_deactivating_a_user_ends_their_sessions_and_tokens(app, admin_client, world, api_token):
    """A deactivated user is signed out and their API token gets 401."""
    customer = world["customer_a"]
    token = api_token(customer)
    device = app.test_client()
    sign_in(device, customer)
    response = admin_client.post(f"/admin/users/{customer.id}/edit", data={
        "email": customer.email, "name": "Gone", "role": "customer", "account": "ALPHA"})  # is_active unticked
    assert response.status_code == 302
    assert device.get("/accounts/ALPHA/").status_code == 302
    assert app.test_client().get("/api/v1/accounts/ALPHA/health",
                                 headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_csm_of_accounts_cannot_become_a_customer(admin_client, world):
    """A CSM still assigned to accounts keeps the role until they are reassigned."""
    csm = world["csm_a"]
    response = admin_client.post(f"/admin/users/{csm.id}/edit", data={
        "email": csm.email, "role": "customer", "account": "ALPHA", "is_active": "y"})
    assert response.status_code == 422 and "assign them another CSM" in response.get_data(as_text=True)


def test_admin_cannot_demote_themself(admin_client, world):
    """An admin cannot lock themself out."""
    admin = world["admin"]
    response = admin_client.post(f"/admin/users/{admin.id}/edit", data={
        "email": admin.email, "role": "csm", "account": "", "is_active": "y"})
    assert response.status_code == 422
    Session.expire_all()
    assert Session.get(User, admin.id).role == "admin"


def test_token_is_shown_once_and_revoking_stops_it(app, admin_client, world):
    """A new token works at once, appears only on its creation page, and is refused after revoking."""
    csm = world["csm_a"]
    page = admin_client.post(f"/admin/users/{csm.id}/tokens", data={"name": "CRM sync"}).get_data(as_text=True)
    token = page.split('id="new-token" readonly value="')[1].split('"')[0]
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/accounts/ALPHA/usage", headers=headers).status_code != 401
    assert token not in admin_client.get(f"/admin/users/{csm.id}/tokens").get_data(as_text=True)
    row = Session.scalar(select(ApiToken).where(ApiToken.user_id == csm.id))
    assert admin_client.post(f"/admin/users/{csm.id}/tokens/{row.id}/revoke").status_code == 302
    assert api.get("/api/v1/accounts/ALPHA/usage", headers=headers).status_code == 401


def test_revoking_a_token_through_another_users_page_is_404(admin_client, world, api_token):
    """A token id is only found under its own user."""
    api_token(world["csm_a"])
    token = Session.scalar(select(ApiToken).where(ApiToken.user_id == world["csm_a"].id))
    assert admin_client.post(f"/admin/users/{world['csm_b'].id}/tokens/{token.id}/revoke").status_code == 404
    Session.expire_all()
    assert Session.get(ApiToken, token.id).revoked_at is None


def test_admin_link_is_in_the_navigation_of_admins_only(client, world):
    """Admins see the Admin link; CSMs do not."""
    sign_in(client, world["admin"])
    assert 'href="/admin/"' in client.get("/csm/").get_data(as_text=True)
    client.post("/logout")
    sign_in(client, world["csm_a"])
    assert 'href="/admin/"' not in client.get("/csm/").get_data(as_text=True)
