"""Downloads of the pages' tables: usage.csv as the contract states, CSV and XLSX, formulas neutralised, access."""
from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta, timezone

import pytest
from openpyxl import load_workbook

from core.tabular import Table, neutralise, to_csv, to_xlsx
from models.db import Session, utcnow
from models.health import HealthWarning
from models.surveys import SurveyResponse
from tests.conftest import sign_in

TODAY = utcnow().date()
NASTY = ["=HYPERLINK(\"http://x.test\",\"y\")", "+1+1", "-2-3", "@SUM(A1)", "\tTab", "\rReturn"]


def _events(token, client, items):
    response = client.post("/api/v1/events", json={"events": items}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=timezone.utc).isoformat()


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_neutralise_prefixes_every_formula_start_and_leaves_the_rest():
    """The six dangerous first characters get an apostrophe; other text and numbers pass unchanged."""
    assert [neutralise(v) for v in NASTY] == ["'" + v for v in NASTY]
    assert neutralise("plain") == "plain" and neutralise(-5) == -5 and neutralise(None) is None


def test_xlsx_stores_formula_like_text_as_text():
    """No cell of the workbook is a formula; the neutralised text is what the cell holds."""
    workbook = load_workbook(io.BytesIO(to_xlsx(Table("t", ["=title"], [[v] for v in NASTY] + [[-4]]))))
    sheet = workbook.active
    cells = [row[0] for row in sheet.iter_rows()]
    assert cells[0].value == "'=title"
    assert [c.value for c in cells[1:7]] == ["'" + v for v in NASTY]
    assert all(c.data_type == "s" for c in cells[:7]) and cells[7].value == -4 and cells[7].data_type == "n"
    assert to_csv(Table("t", ["a"], [["=1+1"], [None], [2.5]])).splitlines() == ["a", "'=1+1", '""', "2.5"]  # a lone empty field is quoted


def test_usage_csv_equals_the_usage_api_day_by_day(app, world, client, api_token):
    """/accounts/<ext>/usage.csv holds the API's usage days exactly, with the contract's header."""
    admin_token = api_token(world["admin"])
    start, end = TODAY - timedelta(days=6), TODAY - timedelta(days=1)
    items = []
    for k, user in enumerate(["ann", "bob", "ann", "cy"]):
        day = start + timedelta(days=k % 3)
        items += [{"id": f"l{k}", "account": "ALPHA", "user": user, "type": "login", "ts": _at(day)},
                  {"id": f"f{k}", "account": "ALPHA", "user": user, "type": "feature_used", "feature": "export",
                   "ts": _at(day, 11)}]
    _events(admin_token, client, items)
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    api = client.get(f"/api/v1/accounts/ALPHA/usage?{query}", headers={"Authorization": f"Bearer {admin_token}"}).get_json()
    sign_in(client, world["customer_a"])
    response = client.get(f"/accounts/ALPHA/usage.csv?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == ["date", "active_users", "logins", "events"]
    assert rows[1:] == [[d["date"], str(d["active_users"]), str(d["logins"]), str(d["events"])] for d in api["days"]]
    assert len(rows) == 7 and rows[1] == [start.isoformat(), "2", "2", "4"]


@pytest.mark.parametrize("query, sentence", [
    ("start=2026-13-01", "must be an ISO date like 2026-01-31."),
    ("start=2026-03-02&end=2026-03-01", "must not be after"),
    ("start=1900-01-01&end=2026-01-01", "ask for a shorter one."),
    ("start=9999-12-31&end=9999-12-31", "on or before 9998-12-31")])
def test_usage_csv_refuses_bad_dates_with_a_sentence(world, client, query, sentence):
    """A malformed, reversed or too long range answers 422 with a sentence, never a 500."""
    sign_in(client, world["csm_a"])
    response = client.get(f"/accounts/ALPHA/usage.csv?{query}")
    assert response.status_code == 422
    assert sentence in response.get_data(as_text=True)


def test_features_and_nps_exports_neutralise_formulas_in_csv_and_xlsx(app, world, client, api_token):
    """A feature name and comments that look like formulas come out as text with a leading apostrophe."""
    _events(api_token(world["admin"]), client, [
        {"id": "e1", "account": "ALPHA", "user": "ann", "type": "feature_used", "feature": "=cmd|' /C calc'!A0",
         "ts": _at(TODAY - timedelta(days=1))}])
    with app.app_context():
        for n, comment in enumerate(NASTY):
            Session.add(SurveyResponse(account_id=world["account_a"].id, client_id=f"c{n}", respondent=f"p{n}@a.test",
                                       score=n, comment=comment, ts=utcnow() - timedelta(days=2)))
        Session.commit()
    sign_in(client, world["csm_a"])
    features = _rows(client.get("/accounts/ALPHA/exports/features.csv"))
    assert features == [["feature", "users", "events"], ["'=cmd|' /C calc'!A0", "1", "1"]]
    nps = _rows(client.get("/accounts/ALPHA/exports/nps.csv"))
    assert nps[0] == ["date", "respondent", "score", "group", "comment"]
    assert [row[4] for row in nps[1:]] == ["'" + v for v in NASTY]
    workbook = load_workbook(io.BytesIO(client.get("/accounts/ALPHA/exports/nps.xlsx").data))
    comments = [row[4] for row in workbook.active.iter_rows(min_row=2)]
    assert [c.value for c in comments] == ["'" + v for v in NASTY] and {c.data_type for c in comments} == {"s"}
    assert [row[2].value for row in workbook.active.iter_rows(min_row=2)] == list(range(6))


def test_a_customer_downloads_only_their_own_nps_answers(app, world, client):
    """Customers see only their own answers on the dashboard, and so in the download; staff get all."""
    with app.app_context():
        for n, who in enumerate([world["customer_a"].email, "someone@else.test"]):
            Session.add(SurveyResponse(account_id=world["account_a"].id, client_id=f"x{n}", respondent=who, score=9,
                                       comment=f"answer {n}", ts=utcnow() - timedelta(days=3)))
        Session.commit()
    sign_in(client, world["customer_a"])
    assert [r[1] for r in _rows(client.get("/accounts/ALPHA/exports/nps.csv"))[1:]] == [world["customer_a"].email]
    staff = app.test_client()
    sign_in(staff, world["csm_a"])
    assert len(_rows(staff.get("/accounts/ALPHA/exports/nps.csv"))) == 3


def test_plan_readings_export(app, world, client):
    """Every reading of the account's plan metrics, with its metric, unit and source."""
    from models.plans import PlanMetric, PlanReading

    with app.app_context():
        metric = PlanMetric(account_id=world["account_a"].id, name="Lead conversion", unit="%", source="reported",
                            baseline_value=10, baseline_date=TODAY - timedelta(days=60), target_value=20,
                            target_date=TODAY + timedelta(days=60))
        Session.add(metric)
        Session.flush()
        Session.add(PlanReading(account_id=metric.account_id, metric_id=metric.id, day=TODAY - timedelta(days=5),
                                value=14.5, entered_by_id=world["customer_a"].id, note="@mention"))
        Session.commit()
    sign_in(client, world["customer_a"])
    rows = _rows(client.get("/accounts/ALPHA/exports/plan.csv"))
    assert rows == [["metric", "unit", "date", "value", "source", "note"],
                    ["Lead conversion", "%", (TODAY - timedelta(days=5)).isoformat(), "14.5", "entered", "'@mention"]]


def test_staff_tables_hold_only_the_accounts_in_view(app, world, client):
    """Portfolio, warnings and cohorts of a CSM list their own accounts; a customer gets 403."""
    with app.app_context():
        for account in (world["account_a"], world["account_b"]):
            Session.add(HealthWarning(account_id=account.id, kind="no_login", episode_key="k",
                                      message=f"-No login at {account.name}", as_of=TODAY))
        Session.commit()
    sign_in(client, world["csm_a"])
    portfolio = load_workbook(io.BytesIO(client.get("/csm/exports/portfolio.xlsx").data)).active
    values = [[c.value for c in row] for row in portfolio.iter_rows()]
    assert values[0][:3] == ["account", "external_id", "csm"] and [v[1] for v in values[1:]] == ["ALPHA"]
    warnings = _rows(client.get("/csm/exports/warnings.csv"))
    assert [r[3] for r in warnings[1:]] == ["ALPHA"] and warnings[1][5] == "'-No login at Alpha Inc"
    cohorts = _rows(client.get("/csm/exports/cohorts.csv"))
    assert cohorts[0][:3] == ["cohort", "accounts", "arr"] and sum(int(r[1]) for r in cohorts[1:]) == 1
    customer = app.test_client()
    sign_in(customer, world["customer_a"])
    assert customer.get("/csm/exports/portfolio.csv").status_code == 403


def test_unknown_table_or_format_is_404(world, client):
    """Only the listed tables and .csv/.xlsx exist."""
    sign_in(client, world["admin"])
    assert client.get("/accounts/ALPHA/exports/users.csv").status_code == 404
    assert client.get("/accounts/ALPHA/exports/usage.pdf").status_code == 404
    assert client.get("/csm/exports/secrets.csv").status_code == 404


def test_pages_link_their_downloads(app, world, client):
    """The dashboard offers its tables in both formats; only staff see the review deck link."""
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/?range=90").get_data(as_text=True)
    end_day = TODAY - timedelta(days=1)  # the last 90 complete days, up to yesterday
    start, end = (end_day - timedelta(days=89)).isoformat(), end_day.isoformat()
    for table in ("usage", "features", "nps"):
        for fmt in ("csv", "xlsx"):
            assert f"/accounts/ALPHA/exports/{table}.{fmt}?start={start}&amp;end={end}" in html
    assert "Your NPS answers" in html and "review.pptx" not in html
    assert "/accounts/ALPHA/exports/plan.xlsx" in client.get("/accounts/ALPHA/plan").get_data(as_text=True)
    staff = app.test_client()
    sign_in(staff, world["csm_a"])
    assert f"/accounts/ALPHA/review.pptx?start={start}&amp;end={end}" in staff.get("/accounts/ALPHA/?range=90").get_data(as_text=True)
    portfolio = staff.get("/csm/").get_data(as_text=True)
    assert "/csm/exports/portfolio.xlsx" in portfolio and "/csm/exports/warnings.csv" in portfolio
    assert "/csm/exports/cohorts.csv?by=quarter" in staff.get("/playbooks/cohorts?by=quarter").get_data(as_text=True)
