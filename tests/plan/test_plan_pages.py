"""The success-plan pages: adding metrics, readings and comments, bad input, and what each viewer sees."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.plans import PlanComment, PlanMetric, PlanReading


def count(model) -> int:
    """Rows of a model in the database."""
    with Session() as session:
        return session.scalar(select(func.count()).select_from(model))


def figures(html: str) -> dict[str, list[str]]:
    """The figures a page shows, by name (data-figure attributes), in order."""
    found: dict[str, list[str]] = {}
    for name, text in re.findall(r'data-figure="([a-z]+)">(.*?)</', html, flags=re.S):
        found.setdefault(name, []).append(" ".join(re.sub(r"<[^>]+>", " ", text).split()))
    return found


def metric_form(today, **changes) -> dict:
    """A valid add-metric form for a reported metric."""
    data = {"name": "Lead conversion rate", "source": "reported", "usage_measure": "", "unit": "%",
            "direction": "higher", "baseline": "12.5", "target": "20",
            "target_date": (today + timedelta(days=90)).isoformat()}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["customer_a", "csm_a", "admin"])
def test_account_people_add_a_reported_metric_with_todays_baseline(client, login, world, role, today):
    """The customer, the CSM and an admin add a metric; it shows baseline, target and 0% progress."""
    login(world[role])
    response = client.post("/accounts/ALPHA/plan/metrics", data=metric_form(today))
    assert response.status_code == 302
    metric = Session.scalar(select(PlanMetric))
    assert (metric.account_id, metric.baseline_value, metric.baseline_date, metric.target_value) == (
        world["account_a"].id, 12.5, today, 20.0)
    assert [r.value for r in Session.scalars(select(PlanReading))] == [12.5]
    page = client.get("/accounts/ALPHA/plan").get_data(as_text=True)
    shown = figures(page)
    assert shown["baseline"][0].startswith("12.5%")
    assert shown["target"][0].startswith("20%")
    assert shown["progress"] == ["0% of the way from baseline to target"]
    assert "On track" in shown["status"][0]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"target": "12.5"}, "target", "The target equals the baseline"),
        ({"target_date": "2020-01-01"}, "target_date", "The target date must be after today"),
        ({"target": "lots"}, "target", "Enter a number"),
        ({"baseline": "twelve"}, "baseline", "Enter a number"),
        ({"baseline": ""}, "baseline", "Enter the value the metric has today"),
        ({"target_date": "31/12/2030"}, "target_date", "YYYY-MM-DD"),
        ({"target": "5"}, "target", "Higher is better, so the target must be above the baseline"),
        ({"direction": "lower", "target": "30"}, "target", "Lower is better"),
        ({"name": ""}, "name", "Name the metric"),
        ({"source": "usage", "usage_measure": ""}, "usage_measure", "Choose the usage measure"),
    ],
)
def test_bad_metric_input_is_refused_on_its_field_and_nothing_is_stored(client, login, world, today, changes,
                                                                       field, message):
    """Each mistake is explained next to its field and no metric is created."""
    login(world["customer_a"])
    response = client.post("/accounts/ALPHA/plan/metrics", data=metric_form(today, **changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, flags=re.S)
    assert error is not None, f"no error shown on {field}"
    assert message in error.group(1)
    assert f'aria-describedby="{field}-error"' in page or f'aria-describedby="{field}-help {field}-error"' in page
    assert count(PlanMetric) == 0 and count(PlanReading) == 0


def test_target_date_of_today_is_refused(client, login, world, today):
    """The line needs at least one day: a target date of today is refused like one in the past."""
    login(world["customer_a"])
    response = client.post("/accounts/ALPHA/plan/metrics", data=metric_form(today, target_date=today.isoformat()))
    assert "The target date must be after today" in response.get_data(as_text=True)
    assert count(PlanMetric) == 0


def test_usage_metric_takes_its_baseline_and_current_value_from_the_rollups(client, login, world, today,
                                                                             add_usage, create_user):
    """Weekly active users: distinct people with activity in the last 7 days, read automatically."""
    account = world["account_a"]
    people = [world["customer_a"]] + [create_user("customer", account=account) for _ in range(2)]
    for person in people:
        add_usage(account, person, today - timedelta(days=1))
    add_usage(account, people[0], today - timedelta(days=3))
    add_usage(account, people[1], today - timedelta(days=9))  # outside the week
    login(world["csm_a"])
    response = client.post("/accounts/ALPHA/plan/metrics", data=metric_form(
        today, name="Weekly active users", source="usage", usage_measure="weekly_active_users", baseline="",
        unit="", target="10"))
    assert response.status_code == 302
    metric = Session.scalar(select(PlanMetric))
    assert (metric.baseline_value, metric.unit, metric.usage_measure) == (3.0, "users", "weekly_active_users")
    add_usage(account, create_user("customer", account=account), today)
    shown = figures(client.get("/accounts/ALPHA/plan").get_data(as_text=True))
    assert shown["baseline"][0].startswith("3 users")
    assert shown["current"][0].startswith("4 users")
    assert shown["progress"] == ["14% of the way from baseline to target"]


def test_usage_metric_with_a_target_equal_to_its_measured_baseline_is_refused(client, login, world, today):
    """With no usage the baseline is 0: a target of 0 is refused, naming the baseline."""
    login(world["customer_a"])
    response = client.post("/accounts/ALPHA/plan/metrics", data=metric_form(
        today, source="usage", usage_measure="logins_per_week", baseline="", target="0"))
    assert "The target equals the baseline (0 logins per week)" in response.get_data(as_text=True)
    assert count(PlanMetric) == 0


def test_customer_enters_a_reading_and_progress_follows(client, login, world, make_metric, today):
    """A reading of 160 on a 100 -> 200 line that is at 150 today: 60% and on track."""
    metric = make_metric(world["account_a"])
    login(world["customer_a"])
    response = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/readings",
                           data={"value": "160", "day": today.isoformat(), "note": "After the campaign"})
    assert response.status_code == 302
    page = client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}").get_data(as_text=True)
    shown = figures(page)
    assert shown["current"][0].startswith("160 leads")
    assert shown["progress"] == ["60% of the way from baseline to target"]
    assert "On track" in shown["status"][0]
    assert "After the campaign" in page and world["customer_a"].name in page


def test_a_second_reading_for_the_same_day_replaces_the_first(client, login, world, make_metric, today):
    """Correcting a value keeps one reading per day."""
    metric = make_metric(world["account_a"])
    login(world["csm_a"])
    for value in ("120", "130"):
        client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/readings", data={"value": value, "day": today.isoformat()})
    values = sorted(Session.scalars(select(PlanReading.value).where(PlanReading.day == today)))
    assert values == [130.0]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"value": "abc"}, "value", "Enter a number"),
        ({"value": ""}, "value", "Enter the value"),
        ({"day": "tomorrow"}, "day", "YYYY-MM-DD"),
        ({"day": "FUTURE"}, "day", "The date cannot be in the future"),
        ({"day": "BASELINE"}, "day", "enter readings for later days"),
    ],
)
def test_bad_readings_are_refused_on_their_field(client, login, world, make_metric, today, data, field, message):
    """Non-numeric values and dates in the future or on day one are explained; nothing is stored."""
    metric = make_metric(world["account_a"])
    form = {"value": "150", "day": today.isoformat(), **data}
    if form["day"] == "FUTURE":
        form["day"] = (today + timedelta(days=1)).isoformat()
    if form["day"] == "BASELINE":
        form["day"] = metric.baseline_date.isoformat()
    login(world["customer_a"])
    response = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/readings", data=form)
    assert response.status_code == 200
    error = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), flags=re.S)
    assert error is not None and message in error.group(1)
    assert count(PlanReading) == 1  # the baseline only


def test_usage_metrics_take_no_typed_readings(client, login, world, make_metric, today):
    """A measured metric's value comes from usage; a posted reading is refused and not stored."""
    metric = make_metric(world["account_a"], source="usage", usage_measure="logins_per_week", unit="logins per week",
                         baseline_value=0.0, target_value=50.0)
    login(world["customer_a"])
    response = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/readings",
                           data={"value": "40", "day": today.isoformat()}, follow_redirects=True)
    assert "measured from usage automatically" in response.get_data(as_text=True)
    assert count(PlanReading) == 1


def test_comments_are_shown_escaped_to_customer_and_csm(client, login, world, make_metric):
    """A comment with markup is stored as typed and shown as text, never as HTML."""
    metric = make_metric(world["account_a"])
    login(world["customer_a"])
    response = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/comments",
                           data={"body": "<script>alert(1)</script> Can we aim higher?"})
    assert response.status_code == 302
    client.post("/logout")
    login(world["csm_a"])
    page = client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Can we aim higher?" in page
    assert "<script>alert(1)" not in page
    assert world["customer_a"].name in page
    comment = Session.scalar(select(PlanComment))
    assert comment.author_id == world["customer_a"].id


def test_an_empty_comment_is_refused(client, login, world, make_metric):
    """Sending nothing explains what to do and stores nothing."""
    metric = make_metric(world["account_a"])
    login(world["csm_a"])
    response = client.post(f"/accounts/ALPHA/plan/metrics/{metric.id}/comments", data={"body": "   "})
    assert "Write a comment before sending it" in response.get_data(as_text=True)
    assert count(PlanComment) == 0


def test_customer_csm_and_admin_see_the_same_figures(app, world, make_metric, today):
    """One source of truth: the three renderings of the plan carry identical figures."""
    from tests.conftest import sign_in

    make_metric(world["account_a"], readings={2: 140.0})
    make_metric(world["account_a"], name="Handling time", unit="days", direction="lower", baseline_value=10.0,
                target_value=4.0, readings={1: 6.5})
    renderings = []
    for role in ("customer_a", "csm_a", "admin"):
        client = app.test_client()
        sign_in(client, world[role])
        response = client.get("/accounts/ALPHA/plan")
        assert response.status_code == 200
        renderings.append(figures(response.get_data(as_text=True)))
    assert renderings[0] == renderings[1] == renderings[2]
    shown = renderings[0]
    assert [s.split()[0] for s in shown["status"]] == ["Off", "On"]
    assert shown["progress"] == ["40% of the way from baseline to target", "58% of the way from baseline to target"]
    assert shown["explanation"][0].startswith("Off track: 140 leads is below the 150 leads expected")


def test_plan_without_metrics_shows_an_empty_state_and_the_form(client, login, world):
    """A new account sees what to do first."""
    login(world["customer_a"])
    page = client.get("/accounts/ALPHA/plan").get_data(as_text=True)
    assert "No metrics in this success plan yet" in page
    assert 'action="/accounts/ALPHA/plan/metrics"' in page


def test_chart_json_draws_readings_against_the_target_line(client, login, world, make_metric):
    """The chart has a title, axis labels with units, a hover tool and the readings as drawn data."""
    metric = make_metric(world["account_a"], readings={3: 130.0})
    login(world["customer_a"])
    response = client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}/chart.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    text = response.get_data(as_text=True)
    item = json.loads(text)
    assert item["target_id"] is None and "doc" in item
    assert "Lead conversion: readings against the target line" in text
    assert "Lead conversion (leads)" in text and "Date (UTC)" in text
    assert "HoverTool" in text and "130 leads" in text
    assert client.get(f"/accounts/ALPHA/plan/metrics/{metric.id}/chart.json").get_data(as_text=True) == text


def test_metric_page_links_the_plan_in_the_navigation(client, login, world):
    """The customer reaches the plan from the main navigation."""
    login(world["customer_a"])
    page = client.get("/accounts/ALPHA/plan").get_data(as_text=True)
    assert 'href="/accounts/ALPHA/plan"' in page
