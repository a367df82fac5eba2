"""Per-account single sign-on connections: configured by admins, found by the e-mail's domain. Flush, never commit."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from models.accounts import Account, User
from models.db import Session
from models.sso import SsoConnection, SsoDomain
from portal.services import ServiceError

DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse_domains(text: str) -> list[str]:
    """E-mail domains separated by spaces, commas or lines, lower-cased; ServiceError for one that is not a domain."""
    domains = sorted({part.strip().lower().lstrip("@") for part in re.split(r"[\s,;]+", text or "") if part.strip()})
    for domain in domains:
        if not DOMAIN_PATTERN.match(domain):
            raise ServiceError(f"{domain!r} is not an e-mail domain; write it like example.com.", "domains")
    return domains


def connection_for_email(email: str) -> SsoConnection | None:
    """The connection that claims this address's domain, if one does."""
    domain = (email or "").rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    account_ids = Session.scalars(select(SsoDomain.account_id).where(SsoDomain.domain == domain)).all()
    if len(account_ids) != 1:  # two claims cannot be saved (save_connection); none means password sign-in
        return None
    return Session.get(SsoConnection, account_ids[0])


def connection_required_for(user: User | None) -> SsoConnection | None:
    """The connection a customer must sign in through, when their account requires single sign-on."""
    if user is None or user.role != "customer" or user.account_id is None:
        return None
    connection = Session.get(SsoConnection, user.account_id)
    return connection if connection is not None and connection.sso_required else None


def domains_of(account: Account) -> list[str]:
    """The e-mail domains an account's connection claims."""
    return list(Session.scalars(select(SsoDomain.domain).where(SsoDomain.account_id == account.id).order_by(SsoDomain.domain)))


def save_connection(account: Account, *, protocol: str, domains_text: str, sso_required: bool, issuer: str = "",
                    client_id: str = "", client_secret: str = "", idp_metadata_xml: str = "") -> SsoConnection:
    """Create or replace an account's connection and its domains; refuse a domain another account claims."""
    if protocol not in ("oidc", "saml"):
        raise ServiceError("Choose OpenID Connect or SAML.", "protocol")
    domains = parse_domains(domains_text)
    if not domains:
        raise ServiceError("Name at least one e-mail domain whose people sign in this way.", "domains")
    taken = Session.execute(
        select(SsoDomain.domain, Account.name).join(Account, Account.id == SsoDomain.account_id)
        .where(SsoDomain.domain.in_(domains), SsoDomain.account_id != account.id)).first()
    if taken is not None:
        raise ServiceError(f"The domain {taken.domain} already belongs to {taken.name}; a domain can belong to one "
                           "account only.", "domains")
    connection = Session.get(SsoConnection, account.id) or SsoConnection(account_id=account.id)
    connection.protocol, connection.sso_required = protocol, bool(sso_required)
    if protocol == "oidc":
        issuer = (issuer or "").strip().rstrip("/")
        parts = urlsplit(issuer)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ServiceError("The issuer must be the provider's URL, e.g. https://login.example.com.", "issuer")
        if not (client_id or "").strip():
            raise ServiceError("Enter the client id the provider gave the portal.", "client_id")
        if not (client_secret or "").strip() and not connection.client_secret:
            raise ServiceError("Enter the client secret the provider gave the portal.", "client_secret")
        connection.issuer, connection.client_id = issuer, client_id.strip()
        if (client_secret or "").strip():  # left empty on an edit: keep the stored secret
            connection.client_secret = client_secret.strip()
    else:
        if "EntityDescriptor" not in (idp_metadata_xml or ""):
            raise ServiceError("Paste the identity provider's SAML metadata (an XML EntityDescriptor).", "idp_metadata_xml")
        connection.idp_metadata_xml = idp_metadata_xml.strip()
    Session.add(connection)
    Session.flush()
    Session.execute(delete(SsoDomain).where(SsoDomain.account_id == account.id))
    Session.add_all([SsoDomain(account_id=account.id, domain=domain) for domain in domains])
    Session.flush()
    return connection


def remove_connection(account: Account) -> None:
    """Remove an account's connection and its domains (its people sign in with passwords again)."""
    Session.execute(delete(SsoDomain).where(SsoDomain.account_id == account.id))
    Session.execute(delete(SsoConnection).where(SsoConnection.account_id == account.id))
    Session.flush()
