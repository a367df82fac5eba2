"""Success-plan isolation: metrics are reached only through the account they belong to."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.plans import PlanComment, PlanReading


def _routes(metric_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("GET", f"/plan/metrics/{metric_id}", {}),
        ("GET", f"/plan/metrics/{metric_id}/chart.json", {}),
        ("POST", f"/plan/metrics/{metric_id}/readings", {"value": "150", "day": "2020-01-01"}),
        ("POST", f"/plan/metrics/{metric_id}/comments", {"body": "Hello"}),
    ]


@pytest.mark.parametrize("role", ["customer_a", "csm_a", "admin"])
def test_a_metric_of_account_b_under_account_a_is_not_found(client, login, world, make_metric, role):
    """Even an admin, who sees both accounts, gets 404 for B's metric id under A's URL; nothing is stored."""
    metric_b = make_metric(world["account_b"])
    login(world[role])
    for method, path, data in _routes(metric_b.id):
        response = client.open(f"/accounts/ALPHA{path}", method=method, data=data)
        assert response.status_code == 404, (method, path)
    assert Session.scalar(select(func.count()).select_from(PlanComment)) == 0
    assert Session.scalar(select(func.count()).select_from(PlanReading)) == 1


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_people_of_account_a_cannot_reach_bs_metric_under_bs_url(client, login, world, make_metric, role):
    """B's plan and B's metric under B's own URL answer 404 to A's customer and CSM, like unknown ones."""
    metric_b = make_metric(world["account_b"])
    login(world[role])
    assert client.get("/accounts/BETA/plan").status_code == 404
    assert client.post("/accounts/BETA/plan/metrics", data={"name": "x"}).status_code == 404
    for method, path, data in _routes(metric_b.id):
        assert client.open(f"/accounts/BETA{path}", method=method, data=data).status_code == 404, (method, path)


def test_the_csm_of_b_reaches_bs_metric(client, login, world, make_metric):
    """The same metric under its own account answers normally to its CSM."""
    metric_b = make_metric(world["account_b"])
    login(world["csm_b"])
    assert client.get(f"/accounts/BETA/plan/metrics/{metric_b.id}").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, world, make_metric):
    """Every plan page needs a signed-in user."""
    metric = make_metric(world["account_a"])
    for path in ("/accounts/ALPHA/plan", f"/accounts/ALPHA/plan/metrics/{metric.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("app_config", [{"TESTING": True, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                                         "PORTAL_BASE_URL": "http://portal.test", "MAIL_SUPPRESS_SEND": True}])
def test_a_comment_without_the_csrf_token_is_refused(client, world, make_metric, app_config):
    """A forged POST without the form's token gets 400 and stores nothing."""
    metric = make_metric(world["account_a"])
    with client.session_transaction() as session:
        session["_user_id"] = world["customer_a"].get_id()
        session["_fresh"] = True
    response = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/comments", data={"body": "forged"})
    assert response.status_code == 400
    assert Session.scalar(select(func.count()).select_from(PlanComment)) == 0
