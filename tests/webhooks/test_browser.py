"""In a real browser: an admin adds a webhook endpoint, sees its secret once, and watches the Segment debugger."""
from __future__ import annotations

import base64
import re

import pytest
import requests
from sqlalchemy import select

from core.webhooks.outbox import emit
from models.accounts import User
from models.db import Session
from portal.services import create_token
from portal.webhooks.services import flush
from tests.a11y import assert_accessible

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone


def test_admin_registers_an_endpoint_and_it_receives_a_verified_message(page, live_server, sign_in, shoot, receiver):
    sign_in(page, live_server.cast["admin"].email)
    page.goto(f"{live_server.url}/admin/webhooks/")
    assert_accessible(page, "webhooks-empty")
    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("share.viewed: someone opened a shared review").check()
    page.get_by_role("button", name="Add the endpoint").click()
    secret = page.locator("#new-secret").input_value()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]+", secret)
    receiver.secret = secret
    shoot(page, "webhooks-secret")
    assert_accessible(page, "webhooks-secret")
    page.goto(f"{live_server.url}/admin/webhooks/")
    assert page.locator("#new-secret").count() == 0  # shown once
    with live_server.app.app_context():
        emit("share.viewed", live_server.cast["alpha"].id, "ALPHA", link_id=1)
        Session.commit()
        assert flush().delivered == 1
        Session.commit()
    assert receiver.types() == ["share.viewed"] and receiver.unverified == []
    page.goto(f"{live_server.url}/admin/webhooks/")
    assert "delivered after 1 attempt" in page.locator("main").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)


def test_segment_debugger_shows_a_waiting_message_and_why(page, live_server, sign_in, shoot):
    with live_server.app.app_context():
        token = create_token(email=live_server.cast["admin"].email)
        Session.commit()
    auth = base64.b64encode(f"{token}:".encode()).decode()
    body = {"batch": [{"type": "track", "messageId": "dbg-1", "userId": "new-person", "event": "Report Exported",
                       "timestamp": "2026-01-10T10:00:00Z"}]}
    response = requests.post(f"{live_server.url}/api/segment/v1/batch", json=body,
                             headers={"Authorization": f"Basic {auth}"}, timeout=10)
    assert response.status_code == 200
    sign_in(page, live_server.cast["admin"].email)
    page.goto(f"{live_server.url}/admin/segment/debugger")
    text = page.locator("main").inner_text()
    assert "dbg-1" in text and "parked" in text and "Waiting for a group call of user 'new-person'" in text
    shoot(page, "segment-debugger")
    assert_accessible(page, "segment-debugger")
    second = {"batch": [{**body["batch"][0], "messageId": "dbg-2"}]}
    assert requests.post(f"{live_server.url}/api/segment/v1/batch", json=second,
                         headers={"Authorization": f"Basic {auth}"}, timeout=10).status_code == 200
    page.get_by_text("dbg-2").wait_for(timeout=15_000)  # the list updates itself
    page.get_by_role("button", name="Pause live updates").click()
    assert page.get_by_role("button", name="Resume live updates").get_attribute("aria-pressed") == "true"
    page.goto(f"{live_server.url}/admin/segment/")
    assert_accessible(page, "segment-mappings")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    with live_server.app.app_context():
        assert Session.scalar(select(User).where(User.external_id == "new-person")) is None
        Session.rollback()
