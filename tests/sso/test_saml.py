"""SAML sign-in against an identity provider built from pysaml2: signed accepted; unsigned, stripped, replayed,
wrong audience and wrong recipient refused."""
from __future__ import annotations

import base64
import re

import pytest
from sqlalchemy import select

from models.accounts import User
from models.db import Session
from portal.auth.sso import saml
from portal.auth.sso.connections import save_connection
from tests.sso.saml_idp import AlphaIdp


@pytest.fixture
def idp(app, world, tmp_path):
    """Alpha's identity provider, connected to the portal through metadata exchange on the admin page."""
    with app.test_request_context():
        sp_metadata_xml = saml.sp_metadata("ALPHA")
    provider = AlphaIdp(tmp_path, sp_metadata_xml)
    save_connection(world["account_a"], protocol="saml", domains_text="alpha.test", sso_required=False,
                    idp_metadata_xml=provider.metadata_xml)
    Session.commit()
    return provider


def _start(client, email="kim@alpha.test") -> str:
    response = client.post("/login", data={"email": email})
    assert response.status_code == 200
    url = re.search(r'href="([^"]+)" id="sso-continue"', response.get_data(as_text=True)).group(1)
    return url.replace("&amp;", "&")


def _post(client, saml_response: str):
    return client.post("/sso/saml/ALPHA/acs", data={"SAMLResponse": saml_response})


def test_admin_page_exchanges_metadata(client, world, login, tmp_path, app):
    """The admin downloads the portal's metadata and pastes the IdP's; bad metadata is refused with a sentence."""
    login(world["admin"])
    sp_metadata_xml = client.get("/admin/accounts/ALPHA/sso/metadata.xml").get_data(as_text=True)
    assert "http://portal.test/sso/saml/ALPHA/acs" in sp_metadata_xml
    provider = AlphaIdp(tmp_path, sp_metadata_xml)
    bad = client.post("/admin/accounts/ALPHA/sso", data={"protocol": "saml", "domains": "alpha.test",
                                                          "idp_metadata_xml": "<EntityDescriptor>nonsense"})
    assert bad.status_code == 422 and "not identity provider metadata" in bad.get_data(as_text=True)
    good = client.post("/admin/accounts/ALPHA/sso", data={"protocol": "saml", "domains": "alpha.test",
                                                           "idp_metadata_xml": provider.metadata_xml})
    assert good.status_code == 302
    assert client.get("/sso/saml/ALPHA/metadata").status_code == 200


def test_signed_assertion_signs_in_and_creates_the_person(client, world, idp):
    """A signed assertion for this portal, answering its request, creates the person in Alpha."""
    request = idp.read_request(_start(client))
    response = _post(client, idp.answer(request, "kim@alpha.test", "kim-001"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/accounts/ALPHA/")
    kim = Session.scalar(select(User).where(User.email == "kim@alpha.test"))
    assert kim.account_id == world["account_a"].id and kim.role == "customer"
    assert client.get("/accounts/ALPHA/").status_code == 200


def test_unsigned_assertion_is_refused(client, idp):
    """want_assertions_signed: an unsigned answer signs nobody in."""
    request = idp.read_request(_start(client))
    response = _post(client, idp.answer(request, "kim@alpha.test", "kim-001", sign=False))
    assert response.status_code == 400 and "must be a signed answer" in response.get_data(as_text=True)
    assert Session.scalar(select(User).where(User.email == "kim@alpha.test")) is None


def test_stripped_signature_is_refused(client, idp):
    """The same signed answer with its signature cut out is refused."""
    request = idp.read_request(_start(client))
    xml = base64.b64decode(idp.answer(request, "kim@alpha.test", "kim-001")).decode()
    stripped = re.sub(r"<(\w+:)?Signature\b.*?</(\w+:)?Signature>", "", xml, flags=re.S)
    assert stripped != xml
    response = _post(client, base64.b64encode(stripped.encode()).decode())
    assert response.status_code == 400


def test_replayed_assertion_is_refused(client, idp):
    """An answer is good once, also in another browser."""
    request = idp.read_request(_start(client))
    answer = idp.answer(request, "kim@alpha.test", "kim-001")
    assert _post(client, answer).status_code == 302
    replay = _post(client.application.test_client(), answer)
    assert replay.status_code == 400
    assert "to a sign-in started from the portal" in replay.get_data(as_text=True)


def test_wrong_audience_is_refused(client, idp):
    """An assertion made for another service provider is refused."""
    request = idp.read_request(_start(client))
    response = _post(client, idp.answer(request, "kim@alpha.test", "kim-001", audience="http://other-sp.test/metadata"))
    assert response.status_code == 400


def test_wrong_recipient_is_refused(client, idp):
    """An answer addressed to another assertion consumer service is refused."""
    request = idp.read_request(_start(client))
    response = _post(client, idp.answer(request, "kim@alpha.test", "kim-001",
                                        destination="http://elsewhere.test/acs"))
    assert response.status_code == 400


def test_unsolicited_answer_is_refused(client, idp, tmp_path):
    """An answer to a request the portal never sent is refused."""
    request = idp.read_request(_start(client))
    request.id = "id-never-sent-by-the-portal"
    response = _post(client, idp.answer(request, "kim@alpha.test", "kim-001"))
    assert response.status_code == 400


@pytest.mark.parametrize("garbage", ["", "not base64 at all", base64.b64encode(b"<xml/>").decode()])
def test_garbage_answers_get_a_sentence(client, idp, garbage):
    """Whatever is posted to the assertion consumer service, the answer is a 400 with a sentence."""
    response = _post(client, garbage)
    assert response.status_code == 400 and "was refused" in response.get_data(as_text=True)
