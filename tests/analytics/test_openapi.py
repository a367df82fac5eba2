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
