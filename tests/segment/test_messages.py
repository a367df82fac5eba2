"""Pure rules of the Segment source and of webhook URLs and signatures: no database, no Flask."""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from analytics.segment.messages import Message, corrected_timestamp, snake_case, usage_of
from core.webhooks.endpoints import EndpointRefused, check_url
from core.webhooks.signing import new_secret, signature

RECEIVED = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("name, key", [("Report Exported", "report_exported"), ("exportPDF", "export_pdf"),
                                       ("HTTPRequest sent", "http_request_sent"), ("a-b.c", "a_b_c"),
                                       ("   ", "event"), ("Ünïcode Thing", "ünïcode_thing"), ("a__b", "a_b")])
def test_event_names_become_snake_case_feature_keys(name, key):
    assert snake_case(name) == key


def test_timestamp_wins_over_original_timestamp():
    raw = {"timestamp": "2026-03-01T08:00:00Z", "originalTimestamp": "2026-03-02T08:00:00Z",
           "sentAt": "2026-03-02T08:05:00Z"}
    assert corrected_timestamp(raw, None, RECEIVED) == datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)


def test_original_timestamp_is_corrected_by_the_senders_clock_skew():
    """Sent 5 minutes after it happened by the device's clock: it happened 5 minutes before it was received."""
    raw = {"originalTimestamp": "2030-01-01T00:00:00Z"}
    assert corrected_timestamp(raw, "2030-01-01T00:05:00Z", RECEIVED) == RECEIVED - timedelta(minutes=5)
    assert corrected_timestamp({}, None, RECEIVED) == RECEIVED
    assert corrected_timestamp({"originalTimestamp": "2026-03-01T00:00:00"}, None, RECEIVED) == \
        datetime(2026, 3, 1, tzinfo=timezone.utc)  # no offset: UTC
    with pytest.raises(ValueError):
        corrected_timestamp({"timestamp": "yesterday"}, None, RECEIVED)


@pytest.mark.parametrize("call, event, expected", [
    ("page", "", ("page_view", None)), ("screen", "Home", ("page_view", None)),
    ("track", "Signed In", ("login", None)), ("track", "Logged In", ("login", None)),
    ("track", "Report Run", ("report_run", None)), ("track", "Report Exported", ("feature_used", "exports")),
    ("track", "Dashboard Shared", ("feature_used", "dashboard_shared")),
])
def test_calls_map_to_event_types(call, event, expected):
    message = Message(message_id="m", call=call, user_key="u", ts=RECEIVED, event=event)
    assert usage_of(message, {"Report Exported": "exports"}) == expected


@pytest.mark.parametrize("url", ["https://hooks.example.com/in", "http://127.0.0.1:9000/x",
                                 "https://portal.example.com:8443/other-app", "http://[::1]:8080/"])
def test_any_http_or_https_url_but_the_portal_is_allowed(url):
    assert check_url(url, "https://portal.example.com") == url


@pytest.mark.parametrize("url", ["ftp://hooks.example.com", "file:///etc/passwd", "hooks.example.com",
                                 "https://portal.example.com/api", "http://PORTAL.example.com.",
                                 "https://portal.example.com:443/", "https://user:pw@hooks.example.com/",
                                 "http://hooks.example.com:99999/"])
def test_other_schemes_the_portal_itself_and_bad_urls_are_refused(url):
    with pytest.raises(EndpointRefused):
        check_url(url, "https://portal.example.com")


def test_signature_is_the_standard_webhooks_scheme():
    secret = new_secret()
    body = '{"type":"nps.response","timestamp":"2026-03-10T12:00:00Z","data":{"account":"ALPHA"}}'
    now = int(datetime.now(timezone.utc).timestamp())
    header = signature(secret, "msg_1", now, body)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"msg_1.{now}.{body}".encode(), hashlib.sha256).digest()).decode()
    assert header == f"v1,{expected}"
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(now), "webhook-signature": header}
    assert Webhook(secret).verify(body, headers)["data"]["account"] == "ALPHA"
