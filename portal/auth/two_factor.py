"""Two-factor sign-in with TOTP (RFC 6238): enrolment, code checks without replay, recovery codes.

No Flask here: the views in portal/auth/two_factor_views.py are a thin door onto these functions.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Optional

import pyotp
import segno
from sqlalchemy import delete, select, update

from models.accounts import User
from models.db import Session, utcnow
from models.two_factor import RecoveryCode, TwoFactor

ISSUER = "Success Portal"
RECOVERY_CODES = 10
# Codes of the step before and after now are taken too, for clocks a little apart.
VALID_WINDOW = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    """A fresh random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of a URI as inline SVG markup, drawn here (no image host involved)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, title="QR code for your authenticator app")


def is_enrolled(user_id: int) -> bool:
    """Has this user turned two-factor sign-in on?"""
    return Session.get(TwoFactor, user_id) is not None


def matching_step(secret: str, code: str, now: Optional[datetime] = None) -> Optional[int]:
    """The time step whose code this is (within the valid window), else None."""
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    moment = now or utcnow()
    current = totp.timecode(moment)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash_recovery(code: str) -> str:
    normalised = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(user_id: int) -> list[str]:
    Session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    Session.add_all(RecoveryCode(user_id=user_id, code_hash=_hash_recovery(code)) for code in codes)
    return codes


def enrol(user: User, secret: str, code: str, now: Optional[datetime] = None) -> Optional[list[str]]:
    """Turn two-factor on when the code matches the secret; returns the ten recovery codes (shown once)."""
    step = matching_step(secret, code, now)
    if step is None:
        return None
    Session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    Session.add(TwoFactor(user_id=user.id, secret=secret, last_step=step, enabled_at=utcnow()))
    codes = _new_recovery_codes(user.id)
    Session.flush()
    return codes


class CodeCheck:
    """Outcomes of check_code."""

    TOTP = "totp"
    RECOVERY = "recovery"
    REPLAYED = "replayed"
    WRONG = "wrong"


def check_code(user_id: int, code: str, now: Optional[datetime] = None) -> str:
    """Check a second-step code: a TOTP code not used before, or an unused recovery code (then spent)."""
    enrolment = Session.get(TwoFactor, user_id)
    if enrolment is None:
        return CodeCheck.WRONG
    step = matching_step(enrolment.secret, code, now)
    if step is not None:
        # One conditional UPDATE: of two requests racing with the same code, only one moves the step on.
        taken = Session.execute(
            update(TwoFactor).where(TwoFactor.user_id == user_id, TwoFactor.last_step < step).values(last_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount
        Session.expire(enrolment)
        return CodeCheck.TOTP if taken == 1 else CodeCheck.REPLAYED
    spent = Session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _hash_recovery(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    return CodeCheck.RECOVERY if spent == 1 else CodeCheck.WRONG


def recovery_codes_left(user_id: int) -> int:
    """How many unused recovery codes this user holds."""
    return len(Session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user_id,
                                                            RecoveryCode.used_at.is_(None))).all())


def turn_off(user_id: int) -> bool:
    """Remove a user's enrolment and recovery codes; True when there was one."""
    removed = Session.execute(delete(TwoFactor).where(TwoFactor.user_id == user_id)).rowcount
    Session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    return removed == 1
