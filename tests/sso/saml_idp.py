"""A SAML identity provider built from pysaml2 for the tests: its own key and certificate, its metadata, and
authentication responses to the portal's requests (signed or not, for any audience and recipient)."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary

IDP_ENTITY_ID = "http://idp.alpha.test/metadata"
IDP_SSO_URL = "http://idp.alpha.test/sso"


def write_key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate as PEM files; returns (key path, cert path)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class AlphaIdp:
    """The identity provider of the Alpha account."""

    def __init__(self, folder: Path, sp_metadata_xml: str, name: str = "idp"):
        key_file, cert_file = write_key_pair(folder, name)
        config = IdPConfig()
        config.load({
            "entityid": IDP_ENTITY_ID,
            "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
            "key_file": key_file, "cert_file": cert_file,
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": 15}, "attribute_restrictions": None,
                                       "sign": "assertion"}},
            }},
            "metadata": {"inline": [sp_metadata_xml]},
        })
        self.config = config
        self.server = Server(config=config)
        self.metadata_xml = create_metadata_string(None, config=config).decode()

    def read_request(self, redirect_url: str):
        """The portal's AuthnRequest carried in a redirect to the IdP."""
        query = parse_qs(urlsplit(redirect_url).query)
        return self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message

    def answer(self, request, email: str, subject: str, sign: bool = True, audience: str | None = None,
               destination: str | None = None) -> str:
        """A base64 SAMLResponse (HTTP-POST binding) naming this person."""
        response = self.server.create_authn_response(
            identity={"mail": [email], "displayName": [email.split("@")[0].title()]},
            in_response_to=request.id,
            destination=destination or request.assertion_consumer_service_url,
            sp_entity_id=audience or request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED, "authn_auth": IDP_ENTITY_ID},
            sign_assertion=sign, sign_response=False,
        )
        return base64.b64encode(str(response).encode()).decode()
