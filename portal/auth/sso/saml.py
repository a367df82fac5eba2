"""SAML 2.0 service provider for customer accounts (pysaml2): one SP per account, its metadata, the redirect to
the identity provider and the check of its answer (signed assertion, audience, recipient, our request)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app, redirect
from sqlalchemy import delete, select
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS
from saml2.sigver import get_xmlsec_binary

from models.accounts import Account
from models.db import Session, utcnow
from models.sso import SignInToken, SsoConnection

REQUEST_LIFETIME = timedelta(minutes=10)  # how long an authentication request waits for its answer
EMAIL_ATTRIBUTES = ("email", "mail", "emailAddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
NAME_ATTRIBUTES = ("displayName", "name", "cn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name")


class SamlRefused(Exception):
    """The identity provider's answer cannot sign anyone in; the message is a sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SamlPerson:
    """Who a checked assertion names."""

    issuer: str
    subject: str
    email: str
    name: str
    assertion_id: str
    expires_at: datetime


def sp_urls(external_id: str) -> tuple[str, str]:
    """The service provider's entity id (its metadata URL) and its assertion consumer service URL."""
    base = f"{current_app.config['PORTAL_BASE_URL']}/sso/saml/{external_id}"
    return f"{base}/metadata", f"{base}/acs"


def _config(external_id: str, idp_metadata_xml: str | None) -> SPConfig:
    entity_id, acs_url = sp_urls(external_id)
    settings = {
        "entityid": entity_id,
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
            "want_assertions_signed": True,  # an unsigned (or stripped) assertion is refused
            "want_response_signed": False,
            "allow_unsolicited": False,  # only answers to a request this browser started
            "authn_requests_signed": False,
            "name_id_format": NAMEID_FORMAT_EMAILADDRESS,
        }},
        "metadata": {"inline": [idp_metadata_xml]} if idp_metadata_xml else {},
    }
    config = SPConfig()
    config.load(settings)
    return config


def sp_metadata(external_id: str) -> str:
    """The service provider's metadata XML, to give to the account's identity provider."""
    return create_metadata_string(None, config=_config(external_id, None)).decode()


def check_idp_metadata(external_id: str, idp_metadata_xml: str) -> None:
    """Refuse identity provider metadata that pysaml2 cannot read or that names no sign-in service."""
    try:
        client = Saml2Client(config=_config(external_id, idp_metadata_xml))
        if not client.metadata.identity_providers():
            raise ValueError
    except Exception:  # pysaml2 raises many kinds for bad XML; all mean the same to the admin
        raise SamlRefused("That is not identity provider metadata the portal can read. Paste the XML your identity "
                          "provider offers as its SAML metadata.") from None


def begin(connection: SsoConnection, account: Account):
    """Redirect the person to the account's identity provider with a new authentication request (committed)."""
    try:
        client = Saml2Client(config=_config(account.external_id, connection.idp_metadata_xml))
        idp_entity_id = next(iter(client.metadata.identity_providers()))
        request_id, info = client.prepare_for_authenticate(entityid=idp_entity_id, binding=BINDING_HTTP_REDIRECT)
    except Exception:  # metadata without a usable HTTP-Redirect sign-in service, in any of pysaml2's ways
        raise SamlRefused("Your company's SAML settings have no sign-in address the portal can use. "
                          "Ask your administrator to check the identity provider metadata.") from None
    # Kept in the database, not the session: the answer arrives as a cross-site POST, without the Lax cookie.
    Session.add(SignInToken(account_id=account.id, kind="saml_request", token_id=request_id,
                            expires_at=utcnow() + REQUEST_LIFETIME))
    Session.commit()
    return redirect(dict(info["headers"])["Location"])


def _outstanding(account: Account) -> dict[str, str]:
    rows = Session.scalars(select(SignInToken.token_id).where(
        SignInToken.account_id == account.id, SignInToken.kind == "saml_request", SignInToken.expires_at > utcnow()))
    return {request_id: account.external_id for request_id in rows}


def consume(connection: SsoConnection, account: Account, saml_response: str) -> SamlPerson:
    """Check the identity provider's answer to a request the portal sent; return who it names (flushes only)."""
    client = Saml2Client(config=_config(account.external_id, connection.idp_metadata_xml))
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST,
                                                       outstanding=_outstanding(account))
    except Exception:  # pysaml2 reports bad signatures, audiences, recipients and replays with many exception types
        response = None
    if response is None or response.assertion is None:
        raise SamlRefused("Your identity provider's answer was refused: it must be a signed answer, for this portal, "
                          "to a sign-in started from the portal. Start again from the sign-in page.")
    Session.execute(delete(SignInToken).where(  # each request is answered once
        SignInToken.account_id == account.id, SignInToken.kind == "saml_request",
        SignInToken.token_id == response.in_response_to))
    attributes = response.ava or {}
    name_id = response.name_id
    email = next((values[0] for key in EMAIL_ATTRIBUTES for values in [attributes.get(key)] if values), "")
    if not email and name_id is not None and name_id.format == NAMEID_FORMAT_EMAILADDRESS:
        email = name_id.text
    name = next((values[0] for key in NAME_ATTRIBUTES for values in [attributes.get(key)] if values), "")
    not_on_or_after = getattr(response, "not_on_or_after", 0) or 0
    expires_at = (datetime.fromtimestamp(not_on_or_after, timezone.utc) if not_on_or_after
                  else datetime.now(timezone.utc) + timedelta(hours=1))
    return SamlPerson(issuer=response.issuer(), subject=name_id.text if name_id is not None else "",
                      email=(email or "").strip().lower(), name=name, assertion_id=response.assertion.id,
                      expires_at=expires_at)
