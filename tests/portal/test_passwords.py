"""Password policy, reset by e-mailed link, and changing one's password."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from models.db import Session
from models.mail import OutboxMessage
from portal.auth import reset
from core.passwords import password_problem
from portal.auth.views import RESET_SENT
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.mark.parametrize("password, ok", [
    ("short", False),
    ("1234567", False),
    ("password", False),
    ("Password1", False),
    ("qwertyuiop", False),
    ("eightchr", True),
    ("all lower case words are fine", True),
    ("x" * 256, True),
    ("x" * 257, False),
])
def test_password_policy_needs_length_and_refuses_common_passwords(password, ok):
    """At least 8 characters, long passphrases allowed, common ones refused, no composition rules."""
    assert (password_problem(password) is None) is ok


def _reset_links() -> list[str]:
    rows = Session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).all()
    Session.rollback()
    return [re.search(r"http://portal\.test/reset-password/\S+", row.body_text).group(0) for row in rows]


def _path(link: str) -> str:
    return link.removeprefix("http://portal.test")


def test_forgot_password_answers_the_same_for_known_and_unknown_emails(client, world):
    """The page never reveals whether an address has an account; only a known one gets mail."""
    known = client.post("/forgot-password", data={"email": world["customer_a"].email}, follow_redirects=True)
    unknown = client.post("/forgot-password", data={"email": "nobody@example.test"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert RESET_SENT in known.get_data(as_text=True) and RESET_SENT in unknown.get_data(as_text=True)
    messages = Session.scalars(select(OutboxMessage)).all()
    assert [m.to_address for m in messages] == [world["customer_a"].email]
    assert messages[0].subject and "reset-password/" in messages[0].body_html


def test_reset_link_uses_the_base_url_not_the_host_header(client, world):
    """A forged Host header cannot redirect the link to an attacker's site."""
    client.post("/forgot-password", data={"email": world["csm_a"].email}, headers={"Host": "evil.example"})
    links = _reset_links()
    assert len(links) == 1 and links[0].startswith("http://portal.test/reset-password/")
    assert "evil.example" not in Session.scalars(select(OutboxMessage)).one().body_text


def test_reset_link_sets_a_new_password_once(app, client, world):
    """The link sets the password, ends other sessions, and then stops working."""
    user = world["customer_a"]
    other_device = app.test_client()
    sign_in(other_device, user)
    client.post("/forgot-password", data={"email": user.email})
    path = _path(_reset_links()[0])
    assert client.get(path).status_code == 200
    weak = client.post(path, data={"password": "password", "confirm": "password"})
    assert weak.status_code == 422 and "too common" in weak.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert client.get(path).status_code == 410
    assert client.post(path, data={"password": "another passphrase", "confirm": "another passphrase"}).status_code == 410
    assert other_device.get("/accounts/ALPHA/").status_code == 302
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 422
    assert client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_reset_link_expires_after_an_hour(app, client, world, monkeypatch):
    """A link older than one hour is refused."""
    with app.app_context():
        token = reset.make_reset_token(world["customer_a"])
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3601)
    assert client.get(f"/reset-password/{token}").status_code == 410
    monkeypatch.setattr(time, "time", real_time)
    assert client.get(f"/reset-password/{token}").status_code == 200


@pytest.mark.parametrize("token", ["made-up", "eyJ1IjoxLCJmIjoiYWJjIn0.ZZZZZZ.forged-signature"])
def test_forged_reset_links_are_refused(client, world, token):
    """Only links signed with the portal's secret work."""
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 410 and "no longer works" in response.get_data(as_text=True)


def test_reset_link_of_another_secret_is_refused(app, client, world):
    """A token signed with another key (another installation) does not work here."""
    with app.app_context():
        app.config["SECRET_KEY"], real = "another key", app.config["SECRET_KEY"]
        token = reset.make_reset_token(world["customer_a"])
        app.config["SECRET_KEY"] = real
    assert client.get(f"/reset-password/{token}").status_code == 410


def test_change_password_keeps_this_session_and_ends_the_others(app, client, world):
    """The user stays signed in here; another device and an old remember-me cookie are signed out."""
    user = world["csm_a"]
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = other.get_cookie("remember_token").value
    sign_in(client, user)
    wrong = client.post("/password", data={"current_password": "not my password", "password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    mismatch = client.post("/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                              "confirm": "something else entirely"})
    assert mismatch.status_code == 422 and "differ" in mismatch.get_data(as_text=True)
    done = client.post("/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                          "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/csm/"
    assert client.get("/csm/").status_code == 200
    assert other.get("/csm/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/csm/").status_code == 302


def test_admin_sends_a_reset_link(client, world):
    """An admin's button queues a reset mail to the user."""
    sign_in(client, world["admin"])
    response = client.post(f"/admin/users/{world['customer_b'].id}/reset-password", follow_redirects=True)
    assert response.status_code == 200 and "on its way" in response.get_data(as_text=True)
    assert [m.to_address for m in Session.scalars(select(OutboxMessage)).all()] == [world["customer_b"].email]


def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(app, client, world):
    """A password stored with heavier argon2 settings still signs in, and is re-hashed with today's."""
    from argon2 import PasswordHasher

    from models.accounts import User
    from models.db import Session
    from core.passwords import needs_rehash

    user = Session.get(User, world["customer_a"].id)
    user.password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)
    Session.commit()
    assert needs_rehash(user.password_hash)
    assert sign_in(client, world["customer_a"]).status_code == 302
    Session.expire_all()
    upgraded = Session.get(User, world["customer_a"].id).password_hash
    assert "m=65536" not in upgraded and not needs_rehash(upgraded)
