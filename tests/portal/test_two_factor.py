"""Two-factor sign-in: enrolment with an inline QR code, the second step, replay, limits, recovery codes, resets."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import func, select

from models.audit import AuditEntry
from models.db import Session, utcnow
from models.two_factor import RecoveryCode, TwoFactor
from core.settings import set_setting
from tests.conftest import PASSWORD, sign_in

CODE_PATTERN = re.compile(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b")


def entries(action: str) -> int:
    return Session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def enrol(client) -> tuple[pyotp.TOTP, list[str]]:
    """Turn two-factor on for the signed-in user through the pages; returns their TOTP and recovery codes."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    totp = pyotp.TOTP(secret)
    response = client.post("/account/two-factor", data={"code": totp.now()})
    assert response.status_code == 200
    return totp, CODE_PATTERN.findall(response.get_data(as_text=True))


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step: accepted (clocks drift) and not yet used by enrolment."""
    return totp.at(utcnow() + timedelta(seconds=30))


def password_step(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def test_enrolment_draws_the_qr_code_itself_and_gives_ten_recovery_codes(app, world, client):
    """The QR code is inline SVG; a wrong code is refused; the right one turns it on with ten hashed codes."""
    user = world["customer_a"]
    sign_in(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page.split("<svg", 1)[0][-200:]
    assert re.search(r"<img[^>]+src=\"https?://", page) is None
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422 and "not right" in wrong.get_data(as_text=True)
    assert Session.get(TwoFactor, user.id) is None
    _totp, codes = enrol(client)
    assert len(set(codes)) == 10
    stored = Session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert entries("2fa.enrolled") == 1
    assert "Two-factor sign-in is on" in client.get("/account/two-factor").get_data(as_text=True)


def test_sign_in_asks_for_the_code_after_a_correct_password(app, world, client):
    """Password first, then the code; until the code is given, no page opens."""
    user = world["csm_a"]
    sign_in(client, user)
    totp, _codes = enrol(client)
    client.post("/logout")
    password_sign_ins = entries("signin.success")
    wrong_password = password_step(client, user, "not the password")
    assert wrong_password.status_code == 422 and "two-factor" not in wrong_password.headers.get("Location", "")
    first = password_step(client, user)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/two-factor")
    assert client.get("/csm/").status_code == 302  # not signed in yet
    done = client.post("/login/two-factor", data={"code": next_code(totp)})
    assert done.status_code == 302
    assert client.get("/csm/").status_code == 200
    assert entries("signin.2fa_success") == 1
    assert entries("signin.success") == password_sign_ins  # the sign-in is the one 2FA entry


def test_a_code_already_used_is_refused_in_the_same_window(app, world, client):
    """The code that signed in once does not sign in again, even on another device within its 30 seconds."""
    user = world["customer_a"]
    sign_in(client, user)
    totp, _codes = enrol(client)
    client.post("/logout")
    code = next_code(totp)
    password_step(client, user)
    assert client.post("/login/two-factor", data={"code": code}).status_code == 302
    other_device = app.test_client()
    password_step(other_device, user)
    again = other_device.post("/login/two-factor", data={"code": code})
    assert again.status_code == 422
    assert "already used" in again.get_data(as_text=True)
    assert other_device.get(f"/accounts/{world['account_a'].external_id}/").status_code == 302
    assert entries("signin.2fa_failure") == 1


def test_the_enrolment_code_cannot_sign_in(app, world, client):
    """The code that confirmed enrolment is spent too."""
    user = world["customer_a"]
    sign_in(client, user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    totp = pyotp.TOTP(re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1))
    code = totp.now()
    client.post("/account/two-factor", data={"code": code})
    client.post("/logout")
    password_step(client, user)
    if totp.now() == code:  # the step did not roll over meanwhile (it rarely does)
        assert client.post("/login/two-factor", data={"code": code}).status_code == 422


def test_wrong_codes_past_the_limit_get_429(limited_app, world):
    """Five wrong codes a minute for one person; the sixth try is refused, even with the right code."""
    app = limited_app()
    client = app.test_client()
    user = world["customer_b"]
    sign_in(client, user)
    totp, _codes = enrol(client)
    client.post("/logout")
    password_step(client, user)
    statuses = [client.post("/login/two-factor", data={"code": f"{n:06d}"}).status_code for n in range(5)]
    assert statuses == [422] * 5
    blocked = client.post("/login/two-factor", data={"code": next_code(totp)})
    assert blocked.status_code == 429
    with app.app_context():
        assert entries("signin.2fa_failure") == 5
        assert entries("signin.2fa_success") == 0


def test_a_recovery_code_signs_in_once(app, world, client):
    """A recovery code replaces the app's code once; used again, it is refused."""
    user = world["customer_a"]
    sign_in(client, user)
    _totp, codes = enrol(client)
    client.post("/logout")
    password_step(client, user)
    used = client.post("/login/two-factor", data={"code": codes[3].upper()})
    assert used.status_code == 302
    assert entries("signin.recovery_code") == 1
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/two-factor", data={"code": codes[3]}).status_code == 422
    left = Session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    assert left == 9


def test_admins_must_enrol_when_the_setting_says_so(app, world, client):
    """The plain password POST still signs an admin in; every page then leads to enrolment first."""
    with app.app_context():
        set_setting("auth.require_2fa_admins", True)
        Session.commit()
    admin = world["admin"]
    sign_in(client, admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")
    enrol(client)
    assert client.get("/admin/").status_code == 200
    assert "cannot be turned off" in client.get("/account/two-factor").get_data(as_text=True)
    customer = app.test_client()
    sign_in(customer, world["customer_a"])
    assert customer.get(f"/accounts/{world['account_a'].external_id}/").status_code == 200


def test_an_admin_resets_a_lost_second_factor(app, world, client):
    """After a reset the person signs in with the password alone; the reset is audited once."""
    user = world["customer_a"]
    device = app.test_client()
    sign_in(device, user)
    enrol(device)
    sign_in(client, world["admin"])
    assert client.post(f"/admin/users/{user.id}/two-factor/reset").status_code == 302
    assert Session.get(TwoFactor, user.id) is None
    assert Session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)) == 0
    assert entries("2fa.reset") == 1
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "2fa.reset"))
    assert entry.actor_email == world["admin"].email and entry.account_external_id == "ALPHA"
    assert device.get("/account/two-factor").status_code == 302  # the old session ended
    sign_in(app.test_client(), user)


def test_turning_it_off_needs_a_current_code(app, world, client):
    """Without a valid code nothing changes; with one, two-factor is off and audited."""
    user = world["customer_a"]
    sign_in(client, user)
    totp, _codes = enrol(client)
    client.post("/account/two-factor/disable", data={"code": "123456"})
    assert Session.get(TwoFactor, user.id) is not None
    client.post("/account/two-factor/disable", data={"code": next_code(totp)})
    Session.expire_all()
    assert Session.get(TwoFactor, user.id) is None
    assert entries("2fa.disabled") == 1
