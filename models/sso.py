"""Single sign-on: per-account connections, their e-mail domains, linked identities, used one-time tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, ForeignKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base, utcnow


class SsoConnection(Base):
    """How the people of one account sign in through their company's provider (one connection per account)."""

    __tablename__ = "sso_connection"
    __table_args__ = (
        CheckConstraint("protocol IN ('oidc', 'saml')", name="protocol_known"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose people
    protocol: Mapped[str] = mapped_column(String(10))  # oidc or saml
    issuer: Mapped[str] = mapped_column(String(500), default="")  # OpenID Connect issuer URL
    client_id: Mapped[str] = mapped_column(String(255), default="")  # OpenID Connect client id
    client_secret: Mapped[str] = mapped_column(String(500), default="")  # OpenID Connect client secret
    idp_metadata_xml: Mapped[str] = mapped_column(Text, default="")  # SAML identity provider metadata
    sso_required: Mapped[bool] = mapped_column(default=False)  # the account's people have no password sign-in
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)  # last change


class SsoDomain(Base):
    """An e-mail domain whose people sign in through their account's connection; one account per domain."""

    __tablename__ = "sso_domain"
    __table_args__ = (
        ForeignKeyConstraint(["account_id"], ["sso_connection.account_id"], ondelete="CASCADE"),
    )

    account_id: Mapped[int] = mapped_column(primary_key=True)  # the account that claims the domain
    domain: Mapped[str] = mapped_column(String(253), primary_key=True, index=True)  # lower-case, e.g. alpha.test


class SsoIdentity(Base):
    """A person as a provider knows them: (issuer, subject) is how later sign-ins find the portal user."""

    __tablename__ = "sso_identity"

    issuer: Mapped[str] = mapped_column(String(500), primary_key=True)  # provider's issuer or SAML entity id
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)  # provider's stable id of the person
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)  # the portal user
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # first sign-in


class SignInToken(Base):
    """A one-time sign-in token: a used embed jti or SAML assertion id (a replay is refused), or a SAML request
    the portal sent and still waits for (the answer's InResponseTo must name one)."""

    __tablename__ = "sign_in_token"
    __table_args__ = (
        CheckConstraint("kind IN ('embed', 'saml', 'saml_request')", name="kind_known"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)  # whose sign-in
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # embed, saml or saml_request
    token_id: Mapped[str] = mapped_column(String(255), primary_key=True)  # jti, assertion id or request id
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # after this the token is refused anyway
