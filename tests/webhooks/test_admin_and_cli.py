"""`webhooks add|flush` and the admin pages of webhooks and of the Segment source."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.webhooks.outbox import emit
from models.db import Session
from models.segment import SegmentMapping
from models.usage import KeyFeature
from models.webhooks import WebhookEndpoint, WebhookMessage


@pytest.fixture
def runner(app):
    """Flask's CLI runner, with stderr apart from stdout."""
    return app.test_cli_runner()


def _endpoints(app) -> int:
    with app.app_context():
        count = Session.scalar(select(func.count()).select_from(WebhookEndpoint))
        Session.rollback()
        return count


def test_add_prints_the_secret_alone_on_the_last_line(app, runner):
    result = runner.invoke(args=["webhooks", "add", "--url", "https://hooks.example.com/in",
                                 "--events", "nps.response,share.viewed"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]{32}", secret)
    with app.app_context():
        endpoint = Session.scalar(select(WebhookEndpoint))
        assert (endpoint.secret, endpoint.event_types) == (secret, "nps.response,share.viewed")
        Session.rollback()


@pytest.mark.parametrize("args, fragment", [
    (["--url", "ftp://hooks.example.com/in"], "http:// or https://"),
    (["--url", "javascript:alert(1)"], "http:// or https://"),
    (["--url", "http://portal.test/api/hooks"], "portal itself"),
    (["--url", "https://portal.test/"], "portal itself"),
    (["--url", "https://hooks.example.com", "--events", "nps.response,account.deleted"], "Unknown event type"),
    (["--url", ""], "URL"),
])
def test_add_refuses_bad_input_with_one_line_and_stores_nothing(app, runner, args, fragment):
    result = runner.invoke(args=["webhooks", "add", *args])
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert _endpoints(app) == 0


def test_flush_command_reports(app, runner):
    result = runner.invoke(args=["webhooks", "flush"])
    assert result.exit_code == 0
    assert "0 delivered, 0 failed, 0 still queued." in result.output


def test_admin_adds_an_endpoint_and_sees_the_secret_once(app, world, client, login):
    login(world["admin"])
    page = client.post("/admin/webhooks/", data={"url": "https://hooks.example.com/in", "events": ["nps.detractor"]})
    html = page.get_data(as_text=True)
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", html).group(0)
    assert "cannot be shown again" in html
    assert secret not in client.get("/admin/webhooks/").get_data(as_text=True)
    with app.app_context():
        endpoint = Session.scalar(select(WebhookEndpoint))
        assert endpoint.event_types == "nps.detractor"
        endpoint_id = endpoint.id
        Session.rollback()
    rotated = client.post(f"/admin/webhooks/{endpoint_id}/rotate").get_data(as_text=True)
    new_secret = re.search(r"whsec_[A-Za-z0-9+/=]+", rotated).group(0)
    assert new_secret != secret
    assert client.post(f"/admin/webhooks/{endpoint_id}/disable").status_code == 302
    with app.app_context():
        assert Session.get(WebhookEndpoint, endpoint_id).is_enabled is False
        Session.rollback()


def test_admin_page_refuses_a_bad_url_with_a_sentence(app, world, client, login):
    login(world["admin"])
    page = client.post("/admin/webhooks/", data={"url": "gopher://old.example.com"})
    assert page.status_code == 200 and "must start with http:// or https://" in page.get_data(as_text=True)
    assert _endpoints(app) == 0


def test_send_again_requeues_a_delivered_message_with_its_id(app, world, client, login):
    with app.app_context():
        endpoint = WebhookEndpoint(url="https://hooks.example.com/in", secret="whsec_" + "A" * 32, event_types="")
        Session.add(endpoint)
        Session.flush()
        emit("share.viewed", world["account_a"].id, "ALPHA", link_id=7)
        message = Session.scalar(select(WebhookMessage))
        message.status, message.attempts = "delivered", 1
        Session.commit()
        webhook_id = message.webhook_id
    login(world["admin"])
    log = client.get("/admin/webhooks/").get_data(as_text=True)
    assert webhook_id in log and "share.viewed" in log and "Send again" in log
    assert client.post(f"/admin/webhooks/messages/{webhook_id}/resend").status_code == 302
    with app.app_context():
        assert Session.scalar(select(WebhookMessage.status).where(WebhookMessage.webhook_id == webhook_id)) == "queued"
        Session.rollback()


def test_segment_admin_maps_an_event_and_shows_the_debugger(app, world, client, login):
    with app.app_context():
        Session.add(KeyFeature(feature="exports", name="Exports"))
        Session.commit()
    login(world["admin"])
    assert "/api/segment" in client.get("/admin/segment/").get_data(as_text=True)
    response = client.post("/admin/segment/", data={"event_name": "Report Exported", "feature": "exports"})
    assert response.status_code == 302
    with app.app_context():
        assert Session.get(SegmentMapping, "Report Exported").feature == "exports"
        Session.rollback()
    refused = client.post("/admin/segment/", data={"event_name": "Signed In", "feature": "exports"})
    assert "cannot be mapped" in refused.get_data(as_text=True)
    debugger = client.get("/admin/segment/debugger")
    assert debugger.status_code == 200 and re.search(r"segment_debugger(\.[0-9a-f]+)?\.js", debugger.get_data(as_text=True))
    assert client.post("/admin/segment/mappings/Report Exported/remove").status_code == 302
    with app.app_context():
        assert Session.get(SegmentMapping, "Report Exported") is None
        Session.rollback()
