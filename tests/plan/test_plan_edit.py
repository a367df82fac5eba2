"""Changing a success-plan metric after day one, and deleting one with its history."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.plans import PlanComment, PlanMetric, PlanReading


def _rows(model, metric_id: int) -> int:
    return Session.scalar(select(func.count()).select_from(model).where(model.metric_id == metric_id))


def _edit(client, metric, today, **changes):
    data = {"name": "Lead conversion", "unit": "leads", "target": "250",
            "target_date": (today + timedelta(days=60)).isoformat(), **changes}
    return client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/edit", data=data)


@pytest.mark.parametrize("role", ["customer_a", "csm_a", "admin"])
def test_account_people_rename_and_move_the_target_while_the_baseline_stays(client, login, world, make_metric, today,
                                                                            role):
    """The new target and name show on the metric page; baseline and its date are those of day one."""
    metric = make_metric(world["account_a"], readings={2: 130.0})
    login(world[role])
    form_page = client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}/edit").get_data(as_text=True)
    assert 'value="200"' in form_page and "stays as it was taken" in form_page
    response = _edit(client, metric, today, name="Qualified leads a month", target="300")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Qualified leads a month" in page and "300" in page
    Session.expire_all()
    stored = Session.get(PlanMetric, metric.id)
    assert (stored.target_value, stored.baseline_value, stored.baseline_date) == (300.0, 100.0,
                                                                                   today - timedelta(days=10))
    assert _rows(PlanReading, metric.id) == 2  # the history is kept


@pytest.mark.parametrize("changes, field_error", [
    ({"target": "50"}, "must be above the baseline"),
    ({"target": "100"}, "equals the baseline"),
    ({"target": "lots"}, "Enter a number"),
    ({"target_date": "2020-01-01"}, "must be after today"),
    ({"target_date": "31/12/2027"}, "YYYY-MM-DD"),
    ({"name": "   "}, "Name the metric"),
    ({"name": "x" * 201}, ""),
])
def test_bad_changes_are_refused_on_their_field_and_nothing_changes(client, login, world, make_metric, today,
                                                                    changes, field_error):
    metric = make_metric(world["account_a"])
    login(world["csm_a"])
    response = _edit(client, metric, today, **changes)
    assert response.status_code == 200
    assert field_error in response.get_data(as_text=True)
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
    Session.expire_all()
    stored = Session.get(PlanMetric, metric.id)
    assert (stored.name, stored.target_value) == ("Lead conversion", 200.0)


def test_delete_needs_the_confirmation_then_removes_readings_and_comments(client, login, world, make_metric):
    metric = make_metric(world["account_a"], readings={3: 120.0})
    login(world["csm_a"])
    client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/comments", data={"body": "Good start"})
    unconfirmed = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/delete", data={})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert Session.get(PlanMetric, metric.id) is not None
    done = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/delete", data={"confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/accounts/ALPHA/plan")
    Session.expire_all()
    assert Session.get(PlanMetric, metric.id) is None
    assert _rows(PlanReading, metric.id) == 0 and _rows(PlanComment, metric.id) == 0
    assert client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}").status_code == 404
    assert f"metric-{metric.id}" not in client.get("/accounts/ALPHA/plan").get_data(as_text=True)


def test_a_customer_deletes_only_a_metric_they_added(client, login, world, make_metric):
    """A metric the CSM set up stays; the customer gets 403 and sees no delete form."""
    metric = make_metric(world["account_a"], created_by_id=world["csm_a"].id)
    login(world["customer_a"])
    assert "Delete the metric" not in client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}/edit").get_data(as_text=True)
    assert client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/delete", data={"confirm": "y"}).status_code == 403
    assert Session.get(PlanMetric, metric.id) is not None
    own = make_metric(world["account_a"], name="Our own", created_by_id=world["customer_a"].id)
    assert client.post(f"/accounts/ALPHA/plan/metrics/{own.id}/delete", data={"confirm": "y"}).status_code == 302


def test_a_metric_of_another_account_cannot_be_changed_or_deleted(client, login, world, make_metric, today):
    """Addressed through the wrong account or by an outsider, the metric answers 404 and stays as it was."""
    metric = make_metric(world["account_b"])
    login(world["csm_a"])
    assert _edit(client, metric, today).status_code == 404  # ALPHA's URL, BETA's metric
    assert client.post(f"/accounts/BETA/plan/metrics/{metric.id}/delete", data={"confirm": "y"}).status_code == 404
    Session.expire_all()
    assert Session.get(PlanMetric, metric.id).target_value == 200.0
