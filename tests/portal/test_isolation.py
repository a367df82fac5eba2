"""The isolation matrix: every route × every role × an account the user may not see."""
from __future__ import annotations

import base64

import pytest
from flask import Flask

from tests.conftest import sign_in
from tests.isolation import Route, all_routes

ROUTES = all_routes()
SKIP_METHODS = {"HEAD", "OPTIONS"}


def _url(app: Flask, endpoint: str, route: Route, ext: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = dict(route.params)
    if "ext" in rule.arguments:
        values["ext"] = ext
    for argument in rule.arguments - values.keys():
        values[argument] = 999999 if rule._converters[argument].__class__.__name__ == "IntegerConverter" else "unknown"
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _methods(app: Flask, endpoint: str) -> list[str]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return sorted(rule.methods - SKIP_METHODS)


def violations(app: Flask, world: dict, api_token) -> list[str]:
    """Check every route against its access class; return what leaked (empty when all hold)."""
    problems: list[str] = []
    outsider_ext = world["account_b"].external_id
    tokens = {role: api_token(world[role]) for role in ("customer_a", "csm_a", "admin")}
    for endpoint in sorted(ROUTES):
        if endpoint not in app.view_functions:
            continue
        route = ROUTES[endpoint]
        url = _url(app, endpoint, route, outsider_ext)
        for method in _methods(app, endpoint):
            def call(user=None, token=None):
                client = app.test_client()
                if user is not None:
                    sign_in(client, user)
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                body = {"json": {}} if method in ("POST", "PUT", "PATCH") and route.kind.startswith("api") else {}
                return client.open(url, method=method, headers=headers, **body)

            where = f"{method} {url} ({endpoint}, {route.kind})"
            if route.kind in ("account", "staff", "admin", "signed_in", "customer"):
                response = call()
                if response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
                    problems.append(f"{where}: anonymous got {response.status_code}, not a redirect to /login")
            if route.kind == "account":
                for role in ("customer_a", "csm_a"):
                    status = call(user=world[role]).status_code
                    if status != 404:
                        problems.append(f"{where}: {role} on another account got {status}, not 404")
            elif route.kind == "customer":
                for role in ("csm_a", "admin"):
                    status = call(user=world[role]).status_code
                    if status != 403:
                        problems.append(f"{where}: {role} got {status}, not 403")
            elif route.kind == "staff":
                status = call(user=world["customer_a"]).status_code
                if status != 403:
                    problems.append(f"{where}: customer got {status}, not 403")
            elif route.kind == "admin":
                for role in ("customer_a", "csm_a"):
                    status = call(user=world[role]).status_code
                    if status != 403:
                        problems.append(f"{where}: {role} got {status}, not 403")
            elif route.kind.startswith("api"):
                status = call().status_code
                if status != 401:
                    problems.append(f"{where}: no token got {status}, not 401")
                if route.kind == "api_account":
                    for role in ("customer_a", "csm_a"):
                        status = call(token=tokens[role]).status_code
                        if status != 404:
                            problems.append(f"{where}: {role} token on another account got {status}, not 404")
                elif route.kind == "api_staff":
                    status = call(token=tokens["customer_a"]).status_code
                    if status != 403:
                        problems.append(f"{where}: customer_a token got {status}, not 403")
                elif route.kind == "api_admin":
                    for role in ("customer_a", "csm_a"):
                        status = call(token=tokens[role]).status_code
                        if status != 403:
                            problems.append(f"{where}: {role} token got {status}, not 403")
            elif route.kind == "api_write_key":
                # Segment's write key: an admin's token as the Basic auth user name; anything else is 401.
                for role in (None, "customer_a", "csm_a"):
                    key = base64.b64encode(f"{tokens[role]}:".encode()).decode() if role else ""
                    client = app.test_client()
                    status = client.open(url, method=method, json={},
                                         headers={"Authorization": f"Basic {key}"} if role else {}).status_code
                    if status != 401:
                        problems.append(f"{where}: write key of {role or 'nobody'} got {status}, not 401")
            elif route.kind == "token_link":
                status = call().status_code
                if status not in (404, 410):
                    problems.append(f"{where}: a made-up token got {status}, not 404 or 410")
    return problems


def test_every_route_has_an_access_class(app):
    """A new route must say who may use it, or this fails."""
    missing = sorted(set(app.view_functions) - set(ROUTES))
    assert missing == [], f"add these endpoints to tests/isolation/: {missing}"


def test_no_route_leaks_another_accounts_data(app, world, api_token):
    """Customers and CSMs get 404 on accounts not theirs, role pages refuse with 403, anonymous go to /login."""
    assert violations(app, world, api_token) == []


def test_matrix_catches_a_route_without_the_access_rule(app, world, api_token, monkeypatch):
    """Remove the access check from one route and the matrix reports it."""
    from flask_login import login_required

    from models.accounts import Account
    from models.db import Session
    from sqlalchemy import select

    @login_required
    def leaky_overview(ext):
        account = Session.scalar(select(Account).where(Account.external_id == ext))
        return f"<h1>{account.name}</h1> ARR {account.arr}"

    monkeypatch.setitem(app.view_functions, "dashboard.overview", leaky_overview)
    problems = violations(app, world, api_token)
    assert any("dashboard.overview" in p and "customer_a on another account got 200" in p for p in problems)
    assert any("dashboard.overview" in p and "csm_a on another account got 200" in p for p in problems)


@pytest.mark.parametrize("role", ["customer_a", "csm_a", "admin"])
def test_allowed_users_see_their_account(client, world, role):
    """The account's customer, its CSM and an admin all get the dashboard."""
    sign_in(client, world[role])
    response = client.get(f"/accounts/{world['account_a'].external_id}/")
    assert response.status_code == 200
    assert "Alpha Inc" in response.get_data(as_text=True)
