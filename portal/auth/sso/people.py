"""Who a single sign-on or embed sign-in is: found by the provider's (issuer, subject), created just in time."""
from __future__ import annotations

from sqlalchemy import func, select

from models.accounts import Account, User
from models.db import Session, utcnow
from models.sso import SsoDomain, SsoIdentity


class SignInRefused(Exception):
    """A sign-in that must not go on; the message is a sentence for the person."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


def user_by_email(email: str) -> User | None:
    """The portal user with this e-mail address (any case), if any."""
    return Session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def account_claims_domain(account: Account, email: str) -> bool:
    """Does this account's connection claim the domain of this e-mail address?"""
    return Session.get(SsoDomain, (account.id, _domain_of(email))) is not None


def _check_usable(user: User, account: Account | None) -> User:
    if not user.is_active:
        raise SignInRefused("Your portal access is switched off. Ask your administrator to switch it on again.")
    if account is not None and (user.role != "customer" or user.account_id != account.id):
        raise SignInRefused("This sign-in is for another company's portal. Sign in from your own company's link.")
    return user


def customer_for_embed(account: Account, email: str, name: str = "") -> User:
    """The customer the vendor's signed token names, created in that account on first use."""
    user = user_by_email(email)
    if user is not None:
        return _check_usable(user, account)
    user = User(email=email.strip().lower(), name=name[:200], role="customer", account_id=account.id,
                password_hash=None)
    Session.add(user)
    Session.flush()
    return user


def user_for_identity(issuer: str, subject: str, email: str, name: str, account: Account | None,
                      role: str) -> User:
    """The user linked to (issuer, subject); on first sign-in, created (or linked, see below) and linked.

    Never matched by e-mail alone: an existing user is linked on first sign-in only when it is a customer of
    the same account and the connection claims the address's domain (the provider owns those addresses).
    Staff users found by identity take the role the provider gives them now.
    """
    identity = Session.get(SsoIdentity, (issuer, subject))
    if identity is not None:
        user = _check_usable(Session.get(User, identity.user_id), account)
        if account is None and user.role == "customer":
            raise SignInRefused("This provider signs you in as a customer; use your company's sign-in instead.")
        if account is None:
            user.role = role
        user.last_login_at = utcnow()
        return user
    if not email or "@" not in email:
        raise SignInRefused("Your provider did not tell us your e-mail address, so no portal user can be made for you. "
                            "Ask your administrator to release the e-mail claim to the portal.", 400)
    existing = user_by_email(email)
    if existing is not None:
        if account is None or not account_claims_domain(account, email):
            raise SignInRefused(f"A portal user with the e-mail {email} already signs in another way. "
                                "Ask an administrator to link it to single sign-on.", 409)
        user = _check_usable(existing, account)
    else:
        user = User(email=email.strip().lower(), name=(name or "")[:200], role=role, password_hash=None,
                    account_id=account.id if account is not None else None)
        Session.add(user)
        Session.flush()
    Session.add(SsoIdentity(issuer=issuer, subject=subject, user_id=user.id))
    user.last_login_at = utcnow()
    return user
