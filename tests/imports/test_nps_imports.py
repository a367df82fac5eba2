"""NPS history imports from Delighted (JSON) and Qualtrics (CSV): round trip, idempotent, all or nothing."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.surveys import DetractorFollowup, SurveyResponse
from tests.conftest import sign_in

EPOCH = int(datetime(2026, 3, 1, 12, tzinfo=timezone.utc).timestamp())


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()


def delighted_export(scores: list) -> str:
    """A Delighted survey-response export as its API returns it with the person expanded."""
    return json.dumps([{
        "id": str(1000 + n), "person": {"id": str(50 + n), "email": f"person{n}@alpha.test", "name": f"Person {n}"},
        "survey_type": "nps", "score": score, "comment": f"comment {n}" if n % 2 else None,
        "permalink": f"https://delighted.example/r/{n}", "created_at": EPOCH + n * 86400, "updated_at": EPOCH + n * 86400,
        "person_properties": {"Plan": "Pro"}, "notes": [], "tags": [], "additional_answers": []}
        for n, score in enumerate(scores)])


def qualtrics_export(rows: list[tuple[str, str, str, str]], zone: str = "America/Denver") -> bytes:
    """A Qualtrics CSV export: three header rows, then (recorded, email, score, comment) per response."""
    names = ["StartDate", "EndDate", "Status", "Progress", "Finished", "RecordedDate", "ResponseId",
             "RecipientEmail", "DistributionChannel", "UserLanguage", "Q1", "Q1_NPS_GROUP", "Q2"]
    questions = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Recorded Date", "Response ID",
                 "Recipient Email", "Distribution Channel", "User Language",
                 "How likely are you to recommend Alpha to a friend or colleague?",
                 "How likely are you to recommend Alpha to a friend or colleague? - Group",
                 "What is the main reason for your score?"]
    ids = [json.dumps({"ImportId": i, **({"timeZone": zone} if "Date" in i else {})}) for i in (
        "startDate", "endDate", "status", "progress", "finished", "recordedDate", "_recordId", "recipientEmail",
        "distributionChannel", "userLanguage", "QID1", "QID1_NPS_GROUP", "QID2_TEXT")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([names, questions, ids])
    for n, (recorded, email, score, comment) in enumerate(rows):
        number = int(score.split(" ")[0]) if score.split(" ")[0].isdigit() else None
        group = "" if number is None else ("Promoter" if number >= 9 else "Detractor" if number <= 6 else "Passive")
        writer.writerow([recorded, recorded, "IP Address", "100", "True", recorded, f"R_{n:04d}abc", email, "email", "EN",
                         score, group, comment])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _stored():
    return Session.execute(select(SurveyResponse.client_id, SurveyResponse.respondent, SurveyResponse.score,
                                  SurveyResponse.comment, SurveyResponse.ts).order_by(SurveyResponse.client_id)).all()


def test_delighted_import_round_trips_and_a_second_import_changes_nothing(app, world, runner, tmp_path, api_token, client):
    """Every response is stored under the account; the NPS API counts them; importing again adds nothing."""
    path = tmp_path / "delighted.json"
    path.write_text(delighted_export([10, 9, 7, 3]))
    first = runner.invoke(args=["imports", "delighted", str(path), "--account", "ALPHA"])
    assert first.exit_code == 0, first.output
    assert "Imported 4 NPS answer(s) into Alpha Inc; 0 were already there" in first.output
    with app.app_context():
        stored = _stored()
        assert [row.client_id for row in stored] == ["delighted:1000", "delighted:1001", "delighted:1002", "delighted:1003"]
        assert stored[0].respondent == "person0@alpha.test" and stored[1].comment == "comment 1"
        assert stored[3].ts.astimezone(timezone.utc) == datetime(2026, 3, 4, 12, tzinfo=timezone.utc)
        assert Session.scalar(select(func.count()).select_from(DetractorFollowup)) == 0  # older than the follow-up window
    nps = client.get("/api/v1/accounts/ALPHA/nps?start=2026-03-01&end=2026-03-31",
                     headers={"Authorization": f"Bearer {api_token(world['admin'])}"}).get_json()
    assert (nps["promoters"], nps["passives"], nps["detractors"], nps["nps"]) == (2, 1, 1, 25.0)
    again = runner.invoke(args=["imports", "delighted", str(path), "--account", "ALPHA"])
    assert again.exit_code == 0 and "Imported 0 NPS answer(s) into Alpha Inc; 4 were already there" in again.output
    with app.app_context():
        assert _stored() == stored


def test_a_bad_delighted_row_rejects_the_whole_file_with_one_line_per_row(app, world, runner, tmp_path):
    """Row 2's score and row 3's date are wrong: both are named, and not even row 1 is stored."""
    data = json.loads(delighted_export([9, 11, 5]))
    del data[2]["created_at"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["imports", "delighted", str(path), "--account", "ALPHA"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == ["Error: 2 row(s) are invalid; nothing was stored.",
                     "Error: row 2, score: the score must be a whole number from 0 to 10, not 11.",
                     "Error: row 3, date: the date of the answer is missing or not readable."]
    with app.app_context():
        assert _stored() == []


@pytest.mark.parametrize("args, message", [
    (["--account", "NOPE"], "There is no account with the external id 'NOPE'."),
])
def test_delighted_import_refuses_an_unknown_account_or_a_broken_file(app, world, runner, tmp_path, args, message):
    """One clear line, exit 1, nothing stored."""
    path = tmp_path / "d.json"
    path.write_text(delighted_export([9]))
    result = runner.invoke(args=["imports", "delighted", str(path), *args])
    assert result.exit_code == 1 and result.output.strip() == f"Error: {message}"
    path.write_text("[{not json")
    broken = runner.invoke(args=["imports", "delighted", str(path), "--account", "ALPHA"])
    assert broken.exit_code == 1 and broken.output.startswith("Error: The file is not valid JSON")
    with app.app_context():
        assert _stored() == []


ROWS = [("2026-03-01 10:00:00", "ann@alpha.test", "10", "Fast, \"=clear\" reports"),
        ("2026-03-02 23:30:00", "bob@alpha.test", "6", ""),
        ("2026-03-03 08:00:00", "", "8 - Likely", "Good")]


def _upload(client, data: bytes, kind="qualtrics", account="ALPHA", name="survey.csv"):
    return client.post("/admin/imports/", data={"kind": kind, "account": account, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_qualtrics_upload_round_trips_through_the_admin_page(app, world, client):
    """Score and comment columns are found from the header rows; times move from the survey's zone to UTC."""
    sign_in(client, world["admin"])
    response = _upload(client, qualtrics_export(ROWS))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/admin/imports/").get_data(as_text=True)
    assert "Imported 3 NPS answer(s) into Alpha Inc; 0 were already there" in page
    with app.app_context():
        stored = _stored()
    assert [(r.client_id, r.respondent, r.score, r.comment) for r in stored] == [
        ("qualtrics:R_0000abc", "ann@alpha.test", 10, 'Fast, "=clear" reports'),
        ("qualtrics:R_0001abc", "bob@alpha.test", 6, ""),
        ("qualtrics:R_0002abc", "R_0002abc", 8, "Good")]
    assert stored[0].ts.astimezone(timezone.utc) == datetime(2026, 3, 1, 17, tzinfo=timezone.utc)  # MST is UTC-7
    assert stored[1].ts.astimezone(timezone.utc) == datetime(2026, 3, 3, 6, 30, tzinfo=timezone.utc)
    assert _upload(client, qualtrics_export(ROWS)).status_code == 302
    assert "Imported 0 NPS answer(s) into Alpha Inc; 3 were already there" in client.get("/admin/imports/").get_data(as_text=True)
    with app.app_context():
        assert _stored() == stored


def test_a_bad_qualtrics_row_rejects_the_upload_and_names_each_row(app, world, client):
    """Line 5 (the second response) has no valid score and line 6 no date: 422, both listed, nothing stored."""
    sign_in(client, world["admin"])
    rows = [ROWS[0], ("2026-03-02 23:30:00", "bob@alpha.test", "eleven", ""), ("", "cy@alpha.test", "9", "")]
    response = _upload(client, qualtrics_export(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "2 row(s) are invalid; nothing was stored." in html
    assert "row 5, score: the score must be a whole number from 0 to 10, not &#39;eleven&#39;." in html
    assert "row 6, date: the date of the answer is missing or not readable." in html
    with app.app_context():
        assert _stored() == []


def test_the_import_page_needs_the_account_for_nps_and_an_admin(app, world, client):
    """Without an account the form says so (422); a CSM gets 403."""
    sign_in(client, world["admin"])
    response = _upload(client, qualtrics_export(ROWS), account="")
    assert response.status_code == 422 and "NPS answers belong to an account" in response.get_data(as_text=True)
    csm = app.test_client()
    sign_in(csm, world["csm_a"])
    assert _upload(csm, qualtrics_export(ROWS)).status_code == 403
