"""Property-based API tests: every operation of /api/v1/openapi.json, fuzzed by schemathesis.

The document is loaded from the app itself. Two accounts are seeded with marker strings in
their names, external ids, usage and NPS comments; every operation is called with generated
valid and invalid input, once with an admin token and once with a token of ALPHA's customer.
Every answer must be below 500 and match the document (status code, content type, body
schema), and no answer to ALPHA's customer may hold a marker of BETA.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from models.accounts import Account, User
from models.db import Session, utcnow

# Lower case, so a lower-cased answer is searched once.
BETA_MARKERS = ("cnryschemabeta", "cnrybetaext", "cnrybetauser", "cnrybetafeature", "cnrybetanps")
BETA_EXT = "CNRYBETAEXT-9"
# Every built-in check but one: input valid by the schema may still break a business rule the schema
# cannot state (start after end, an unknown account, a ts before the customer-since date), and 422 is
# the documented answer to those.
EXCLUDED_CHECKS = [positive_data_acceptance]
EXAMPLES = 25


def _seed(app, world, api) -> dict[str, str]:
    """Markers in BETA's name, external id, users, features and NPS comments; tokens of admin and ALPHA's customer."""
    with app.app_context():
        beta = Session.get(Account, world["account_b"].id)
        beta.name = "Beta cnryschemabeta"
        beta.external_id = BETA_EXT
        Session.get(User, world["customer_b"].id).name = "Bo cnrybetauser"
        alpha = Session.get(Account, world["account_a"].id)
        alpha.name = "Alpha cnryschemaalpha"
        Session.commit()
        Session.remove()
    admin, customer = api(world["admin"]), api(world["customer_a"])
    now = utcnow()
    today = now.date()

    def at(day, hour: int, minute: int = 0) -> str:
        # A moment of that day, never later than now: the API refuses events from the future,
        # so today's 09:00 becomes "now" when the suite runs before nine.
        return min(datetime.combine(day, time(hour, minute), tzinfo=timezone.utc), now).isoformat()

    events, responses = [], []
    for ext, who, feature in ((BETA_EXT, "cnrybetauser@beta.test", "cnrybetafeature"),
                              ("ALPHA", "pat@alpha.test", "alpha-reports")):
        for k in range(12):
            stamp = at(today - timedelta(days=k), 9, k)
            kind = ("login", "feature_used", "report_run")[k % 3]
            event = {"id": f"{ext}-{k}", "account": ext, "user": who, "type": kind, "ts": stamp}
            if kind == "feature_used":
                event["feature"] = feature
            events.append(event)
        responses.append({"id": f"{ext}-nps", "account": ext, "respondent": who, "score": 3,
                          "comment": f"slow {'cnrybetanps' if ext == BETA_EXT else 'alpha'}",
                          "ts": at(today, 8)})
    assert admin.post("/api/v1/events", json={"events": events}).status_code == 200
    assert admin.post("/api/v1/survey-responses", json={"responses": responses}).status_code == 200
    article = admin.post("/api/v1/kb/articles", json={"title": "Exporting reports", "status": "published",
                                                      "body_markdown": "Export a report as CSV."})
    assert article.status_code == 201
    period = f"start={(today - timedelta(days=30)).isoformat()}&end={today.isoformat()}"
    seen_by_admin = admin.get(f"/api/v1/accounts/{BETA_EXT}/usage?{period}").get_data(as_text=True)
    assert "cnrybetafeature" in seen_by_admin  # the markers are where a leak would show them
    return {"admin": admin.headers["Authorization"], "customer": customer.headers["Authorization"]}


def _aim_at_seeded_accounts(case, ext: str):
    """Point a generated batch's items at a seeded account, so valid input gets past the account check."""
    if isinstance(case.body, dict):
        for key in ("events", "responses"):
            for item in case.body.get(key) or ():
                if isinstance(item, dict) and "account" in item:
                    item["account"] = ext
    return case


def _cases(operation, mode: GenerationMode):
    """Generated cases whose {ext} and batch accounts are mostly ALPHA or BETA, so they reach the data."""
    generated = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.NEGATIVE:
        return generated
    seeded = st.sampled_from(["ALPHA", BETA_EXT])
    if "{ext}" in operation.path:
        aimed = seeded.flatmap(lambda ext: operation.as_strategy(generation_mode=mode, path_parameters={"ext": ext}))
        return st.one_of(aimed, generated)
    return st.tuples(generated, seeded).map(lambda pair: _aim_at_seeded_accounts(*pair))


def _fuzz(operation, mode: GenerationMode, authorization: str, forbidden: tuple[str, ...]) -> int:
    """Run one operation's generated cases; return how many were sent."""
    sent = []

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=_cases(operation, mode))
    def run(case):
        # A case that leaves the token out on purpose is sent without it: it tests the 401.
        # The in-process transport does not decompress: ask for plain bodies, as a client without gzip would.
        headers = {"Accept-Encoding": "identity"}
        if not operation.schema.is_security_param_negated(case):
            headers["Authorization"] = authorization
        response = case.call(headers=headers)
        case.validate_response(response, excluded_checks=EXCLUDED_CHECKS, headers=headers)
        body = response.text.lower()
        leaked = [marker for marker in forbidden if marker in body]
        assert leaked == [], f"{case.method} {case.formatted_path} showed another account's data: {leaked}"
        sent.append(response.status_code)

    run()
    return len(sent)


@pytest.mark.parametrize("role", ["admin", "customer"])
def test_every_operation_answers_as_documented(app, world, api, role):
    """No 5xx, answers match the document, and ALPHA's customer never sees BETA's data."""
    tokens = _seed(app, world, api)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Unknown query parameters are ignored, as most HTTP APIs do; the document does not promise a 422.
    schema.config.generation.update(allow_extra_parameters=False)
    forbidden = BETA_MARKERS if role == "customer" else ()
    sent = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    del documented["/api/v1/openapi.json"]  # schemathesis leaves out the document it loaded from
    assert len(operations) == sum(len(item) for item in documented.values()) >= 7
    failures = []
    for operation in operations:
        for mode in GenerationMode:
            try:
                sent += _fuzz(operation, mode, tokens[role], forbidden)
            except Exception as failure:  # every operation is tried; all that fail are reported together
                failures.append(f"{operation.label} ({mode.value} input): {failure}")
    assert failures == [], "\n\n".join(failures)
    assert sent >= len(operations) * EXAMPLES


NUL_REQUESTS = [
    ("post", "/api/v1/events", {"events": [{"id": "e-1", "account": "ALPHA", "user": "u\x00", "type": "login",
                                            "ts": "2026-01-05T10:00:00+00:00"}]}, 422),
    ("post", "/api/v1/survey-responses", {"responses": [{"id": "r-1", "account": "ALPHA", "respondent": "pat",
                                                         "score": 3, "comment": "slow\x00",
                                                         "ts": "2026-01-05T10:00:00+00:00"}]}, 422),
    ("post", "/api/v1/kb/articles", {"title": "Reports", "body_markdown": "\x00", "status": "draft"}, 422),
    ("post", "/api/v1/kb/articles", {"title": "Reports", "body_markdown": "b", "tags": ["a\x00"], "status": "draft"}, 422),
    ("get", "/api/v1/accounts/AL%00PHA/usage", None, 404),
    ("get", "/api/v1/accounts/AL%00PHA/health", None, 404),
    ("get", "/api/v1/kb/search?q=rep%00orts", None, 200),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), NUL_REQUESTS)
def test_a_nul_character_is_refused_or_dropped_never_a_500(app, world, api, method, path, body, status):
    """PostgreSQL cannot store NUL in text: the API answers 422 (body), 404 (account) or drops it (search)."""
    admin = api(world["admin"])
    response = admin.post(path, json=body) if method == "post" else admin.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 422:
        assert "NUL" in response.get_json()["error"]
