"""What every API route shares: bearer tokens, JSON errors, body checks."""
from __future__ import annotations

import pytest

from models.db import Session
from portal.api.meta import build_openapi


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer csp_not-a-real-token"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}])
def test_missing_or_bad_token_is_401_json(client, world, headers):
    """No token, a wrong one or another scheme: 401 with a JSON error."""
    response = client.get("/api/v1/accounts/ALPHA/usage", headers=headers)
    assert response.status_code == 401
    assert response.is_json and "token" in response.get_json()["error"]


def test_revoked_token_is_401(client, world, api_token):
    """A revoked token stops working."""
    from sqlalchemy import select

    from models.accounts import ApiToken
    from portal.services import revoke_token

    token = api_token(world["admin"])
    revoke_token(Session.scalar(select(ApiToken)))
    Session.commit()
    assert client.get("/api/v1/accounts/ALPHA/usage", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_unknown_api_path_answers_json_404(client, world, api):
    """An unknown /api/v1 path is JSON, never the HTML error page."""
    for response in (client.get("/api/v1/no-such-thing"), api(world["admin"]).get("/api/v1/no-such-thing")):
        assert response.status_code == 404
        assert response.is_json and response.get_json()["error"]


def test_wrong_method_answers_json_405(api, world):
    """A GET on a POST-only route is a JSON 405."""
    response = api(world["admin"]).get("/api/v1/events")
    assert response.status_code == 405 and response.is_json


def test_oversized_body_is_413_json(app, client, world, api_token):
    """A body over the limit: 413 JSON, nothing read."""
    app.config["MAX_CONTENT_LENGTH"] = 1024
    token = api_token(world["admin"])
    response = client.post("/api/v1/events", data=b"{" + b" " * 4096 + b"}",
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 413 and response.is_json


def test_wrong_content_type_is_415_json(api, world):
    """Form data instead of JSON: 415 with a JSON error that says what to send."""
    response = api(world["admin"]).post("/api/v1/events", data={"events": "x"})
    assert response.status_code == 415
    assert "application/json" in response.get_json()["error"]


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe"])
def test_malformed_json_is_400_json(client, world, api_token, body):
    """A body that does not parse: 400 JSON, never a 500."""
    token = api_token(world["admin"])
    response = client.post("/api/v1/events", data=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"events": ' + b"[" * 5000 + b"]" * 5000 + b"}"])
def test_json_nested_too_deep_is_400_json(client, world, api_token, body):
    """Arrays nested thousands deep cannot be read: 400 JSON with a sentence, never a 500."""
    token = api_token(world["admin"])
    response = client.post("/api/v1/events", data=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 400 and "too deeply" in response.get_json()["error"]


@pytest.mark.parametrize("path", ["/api/v1/accounts/ALPHA/usage", "/api/v1/accounts/ALPHA/nps",
                                  "/api/v1/metrics/revenue"])
@pytest.mark.parametrize("query", ["start=9999-12-31&end=9999-12-31", "start=2026-01-01&end=9999-12-31",
                                   "end=9999-12-26"])
def test_a_date_at_the_end_of_the_calendar_is_422_not_500(api, world, path, query):
    """The last days of year 9999 leave no room for the period arithmetic: refused with a sentence."""
    response = api(world["admin"]).get(f"{path}?{query}")
    assert response.status_code == 422 and "on or before 9998-12-31" in response.get_json()["error"]


def test_the_last_accepted_day_answers(api, world):
    """9998-12-31 is still a date the usage and NPS routes answer for."""
    client = api(world["admin"])
    usage = client.get("/api/v1/accounts/ALPHA/usage?start=9998-12-31&end=9998-12-31")
    assert usage.status_code == 200 and usage.get_json()["days"][0]["date"] == "9998-12-31"
    nps = client.get("/api/v1/accounts/ALPHA/nps?start=2026-01-01&end=9998-12-31")
    assert nps.status_code == 200 and nps.get_json()["responses"] == 0


def test_customer_token_may_not_write(api, world):
    """A customer's token posting events gets 403."""
    response = api(world["customer_a"]).post("/api/v1/events", json={"events": []})
    assert response.status_code == 403 and response.is_json


def test_openapi_is_public_and_describes_every_api_route(app, client):
    """The OpenAPI document needs no token and names every /api/v1 route."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")
    documented = set(build_openapi()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            assert rule.rule.replace("<ext>", "{ext}") in documented, rule.rule
