"""The OpenAPI document describes every /api/v1 route of the app."""
from __future__ import annotations

import re


def test_openapi_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {path} is missing from openapi.json"


def test_event_and_usage_routes_describe_their_errors(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"401", "403", "413", "422"} <= set(paths["/api/v1/events"]["post"]["responses"])
    assert {"401", "404", "422"} <= set(paths["/api/v1/accounts/{ext}/usage"]["get"]["responses"])


def test_openapi_lists_the_segment_routes_with_their_write_key(client):
    """The Segment rows of the API table are described too, with HTTP Basic auth as their security."""
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/segment/v1/batch", "/api/segment/v1/{call}"):
        operation = document["paths"][path]["post"]
        assert operation["security"] == [{"segmentWriteKey": []}]
        assert {"200", "401", "422"} <= set(operation["responses"])
    calls = document["paths"]["/api/segment/v1/{call}"]["post"]["parameters"][0]["schema"]["enum"]
    assert {"track", "identify", "group", "page"} <= set(calls)
    assert document["components"]["securitySchemes"]["segmentWriteKey"] == {"type": "http", "scheme": "basic"}
