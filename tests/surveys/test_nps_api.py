"""POST /api/v1/survey-responses and GET /api/v1/accounts/{ext}/nps, as CONTRACT.md writes them."""
from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.surveys import SurveyResponse


def item(n, score=9, **fields):
    values = {"id": f"r{n}", "account": "ALPHA", "respondent": f"p{n}@alpha.test", "score": score,
              "comment": "", "ts": "2026-03-10T12:00:00+00:00"}
    values.update(fields)
    return values


def stored(app) -> int:
    with app.app_context():
        count = Session.scalar(select(func.count()).select_from(SurveyResponse))
        Session.rollback()
        return count


def nps(api_client, start="2026-03-01", end="2026-03-31", ext="ALPHA"):
    response = api_client.get(f"/api/v1/accounts/{ext}/nps?start={start}&end={end}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_nps_matches_a_hand_computed_set_with_ties_repeats_and_an_empty_period(app, world, api):
    admin = api(world["admin"])
    responses = [
        item(1, 10), item(2, 9), item(3, 7), item(4, 3),
        # p5 answered 2 then 10: only the latest (10) counts
        item(5, 2, respondent="p5@alpha.test", ts="2026-03-02T08:00:00+00:00"),
        item(6, 10, respondent="p5@alpha.test", ts="2026-03-20T08:00:00+00:00"),
        # p7 gave two answers at the same moment: the later stored one (6) counts
        item(7, 9, respondent="p7@alpha.test", ts="2026-03-15T09:00:00+00:00"),
        item(8, 6, respondent="p7@alpha.test", ts="2026-03-15T09:00:00+00:00"),
        # an answer given in another offset: 2026-04-01T01:00+02:00 is 2026-03-31T23:00 UTC, inside March
        item(9, 8, respondent="p9@alpha.test", ts="2026-04-01T01:00:00+02:00"),
        # outside March
        item(10, 0, respondent="p10@alpha.test", ts="2026-02-28T23:59:59+00:00"),
    ]
    assert admin.post("/api/v1/survey-responses", json={"responses": responses}).get_json() == {"accepted": 10, "duplicates": 0}
    body = nps(admin)
    # latest per person in March: p1 10, p2 9, p3 7, p4 3, p5 10, p7 6, p9 8 -> 3 promoters, 2 passives, 2 detractors
    assert (body["responses"], body["promoters"], body["passives"], body["detractors"]) == (7, 3, 2, 2)
    p, d, n = 3 / 7, 2 / 7, 7
    assert body["nps"] == pytest.approx((p - d) * 100)
    assert body["margin_of_error"] == pytest.approx(1.96 * math.sqrt((p + d - (p - d) ** 2) / n) * 100)
    empty = nps(admin, start="2025-01-01", end="2025-01-31")
    assert empty["nps"] is None and empty["margin_of_error"] is None and empty["responses"] == 0
    february = nps(admin, start="2026-02-28", end="2026-02-28")
    assert (february["nps"], february["responses"]) == (-100, 1)
    # p5's latest answer within [Mar 1, Mar 10] is the early 2
    early = nps(admin, start="2026-03-01", end="2026-03-10")
    assert early["detractors"] == 2 and early["responses"] == 5


def test_an_email_in_another_case_is_the_same_respondent(app, world, api):
    admin = api(world["admin"])
    responses = [item(1, 0, respondent="Jane@Alpha.test", ts="2026-03-02T08:00:00+00:00"),
                 item(2, 10, respondent="jane@alpha.TEST", ts="2026-03-20T08:00:00+00:00")]
    assert admin.post("/api/v1/survey-responses", json={"responses": responses}).status_code == 200
    body = nps(admin)
    # one person: only the latest answer (10) counts
    assert (body["responses"], body["promoters"], body["detractors"], body["nps"]) == (1, 1, 0, 100)


def test_same_ids_again_are_duplicates_and_change_no_figure(app, world, api):
    admin = api(world["admin"])
    batch = {"responses": [item(1, 10), item(2, 0)]}
    admin.post("/api/v1/survey-responses", json=batch)
    before = nps(admin)
    again = admin.post("/api/v1/survey-responses", json={"responses": [item(1, 0), item(2, 0), item(3, 9)]})
    assert again.get_json() == {"accepted": 1, "duplicates": 2}
    assert nps(admin)["responses"] == before["responses"] + 1
    assert stored(app) == 3


def test_the_same_id_in_another_account_is_a_different_response(app, world, api):
    admin = api(world["admin"])
    body = admin.post("/api/v1/survey-responses", json={"responses": [item(1), item(1, account="BETA")]}).get_json()
    assert body == {"accepted": 2, "duplicates": 0}


@pytest.mark.parametrize("field, value", [
    ("score", "9"), ("score", True), ("score", False), ("score", 9.0), ("score", 9.5), ("score", None),
    ("score", 11), ("score", -1), ("respondent", ""), ("respondent", "   "), ("respondent", None),
    ("ts", "2026-03-10T12:00:00"), ("ts", "2026-03-10"), ("ts", "yesterday"), ("ts", 1700000000),
    ("account", "NOPE"), ("id", ""), ("id", None), ("comment", 5), ("comment", "x" * 100_000),
])
def test_one_bad_response_rejects_the_whole_batch(app, world, api, field, value):
    admin = api(world["admin"])
    response = admin.post("/api/v1/survey-responses", json={"responses": [item(1), item(2, **{field: value})]})
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["index"] == 1 and body["errors"][0]["field"] == field
    assert stored(app) == 0


@pytest.mark.parametrize("missing", ["id", "account", "respondent", "score", "ts"])
def test_a_missing_field_is_named(app, world, api, missing):
    bad = item(1)
    del bad[missing]
    response = api(world["admin"]).post("/api/v1/survey-responses", json={"responses": [bad]})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == missing


@pytest.mark.parametrize("body", [[], {"responses": "x"}, {"other": []}, {"responses": [1]}])
def test_malformed_bodies_answer_422(app, world, api, body):
    assert api(world["admin"]).post("/api/v1/survey-responses", json=body).status_code == 422


def test_not_json_answers_415_and_broken_json_400(client, world, api):
    admin = api(world["admin"])
    assert client.post("/api/v1/survey-responses", data="x", headers=admin.headers).status_code == 415
    broken = client.post("/api/v1/survey-responses", data="{", headers={**admin.headers, "Content-Type": "application/json"})
    assert broken.status_code == 400 and "error" in broken.get_json()


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_only_admins_import_responses(app, world, api, role):
    assert api(world[role]).post("/api/v1/survey-responses", json={"responses": [item(1)]}).status_code == 403
    assert stored(app) == 0


def test_reading_nps_follows_the_access_rule(app, world, api):
    assert api(world["customer_a"]).get("/api/v1/accounts/ALPHA/nps").status_code == 200
    assert api(world["csm_a"]).get("/api/v1/accounts/ALPHA/nps").status_code == 200
    for role in ("customer_a", "csm_a"):
        assert api(world[role]).get("/api/v1/accounts/BETA/nps").status_code == 404
        assert api(world[role]).get("/api/v1/accounts/NOPE/nps").status_code == 404


@pytest.mark.parametrize("query", ["start=2026-13-01", "end=soon", "start=2026-03-10&end=2026-03-01", "start=2026-3-1"])
def test_bad_dates_answer_422(app, world, api, query):
    assert api(world["admin"]).get(f"/api/v1/accounts/ALPHA/nps?{query}").status_code == 422


def test_a_recent_imported_detractor_raises_a_follow_up(app, world, api):
    from datetime import datetime, timezone

    from models.surveys import DetractorFollowup

    now = datetime.now(timezone.utc).isoformat()
    api(world["admin"]).post("/api/v1/survey-responses", json={"responses": [
        item(1, 2, ts=now), item(2, 2, ts="2020-01-01T00:00:00+00:00"), item(3, 10, ts=now)]})
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(DetractorFollowup)) == 1


def test_openapi_describes_both_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/survey-responses"] and "get" in paths["/api/v1/accounts/{ext}/nps"]
