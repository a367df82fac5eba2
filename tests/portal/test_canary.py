"""Canary: customer data of account BETA never shows up anywhere ALPHA's customer or CSM can look.

Every place customer data can live in BETA gets a unique marker; then every GET route of the
app is requested as ALPHA's customer and CSM (pages, chart JSON, the API with their tokens, a
share link of ALPHA) and no answer may contain a marker.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta, timezone

from flask import Flask, url_for
from sqlalchemy import select

from analytics.health.recompute import recompute
from analytics.plan.services import add_comment, create_metric
from models.accounts import Account, User
from models.db import Session, utcnow
from tests.conftest import sign_in
from tests.isolation import all_routes

TODAY = utcnow().date()
# Markers are lower case so a lower-cased answer is searched once; each names where it was planted.
CANARY = {
    "account_name": "cnryacctname",
    "customer_name": "cnrycustname",
    "customer_email": "cnrycustmail@beta.example.test",
    "event_user": "cnryeventuser@beta.example.test",
    "feature": "cnryfeaturekey",
    "nps_comment": "cnrynpscomment",
    "nps_respondent": "cnryrespondent@beta.example.test",
    "metric_name": "cnrymetricname",
    "metric_comment": "cnrymetriccomment",
    "kb_vote_comment": "cnrykbvote",
}
SKIPPED = {"static", "bokehjs.bokeh_js"}  # files shipped with the portal, no customer data
CHART_URL = re.compile(r'data-chart-url="([^"]+)"')


def _seed_beta(app: Flask, world: dict, api) -> str:
    """Put a marker everywhere BETA's customer data can live; return the slug of the article BETA voted on."""
    admin = api(world["admin"])
    with app.app_context():
        beta = Session.get(Account, world["account_b"].id)
        beta.name = f"Beta {CANARY['account_name']}"
        customer = Session.get(User, world["customer_b"].id)
        customer.name = f"Bo {CANARY['customer_name']}"
        customer.email = CANARY["customer_email"]
        Session.commit()
        Session.remove()
    events = []
    for k in range(40):
        day = TODAY - timedelta(days=1 + k % 20)
        stamp = datetime.combine(day, time(10, k % 60), tzinfo=timezone.utc).isoformat()
        user = CANARY["event_user"] if k % 2 else CANARY["customer_email"]
        kind = ("login", "page_view", "feature_used", "report_run")[k % 4]
        event = {"id": f"beta-{k}", "account": "BETA", "user": user, "type": kind, "ts": stamp}
        if kind == "feature_used":
            event["feature"] = CANARY["feature"]
        events.append(event)
    answer = admin.post("/api/v1/events", json={"events": events})
    assert answer.status_code == 200 and answer.get_json()["accepted"] == 40, answer.get_json()
    stamp = datetime.combine(TODAY - timedelta(days=2), time(12), tzinfo=timezone.utc).isoformat()
    answer = admin.post("/api/v1/survey-responses", json={"responses": [
        {"id": "beta-nps-1", "account": "BETA", "respondent": CANARY["nps_respondent"], "score": 2,
         "comment": f"Too slow {CANARY['nps_comment']}", "ts": stamp},
        {"id": "beta-nps-2", "account": "BETA", "respondent": CANARY["customer_email"], "score": 10,
         "comment": f"Love it {CANARY['nps_comment']}", "ts": stamp},
    ]})
    assert answer.status_code == 200 and answer.get_json()["accepted"] == 2, answer.get_json()
    article = admin.post("/api/v1/kb/articles", json={
        "title": "Exporting reports", "body_markdown": "How to export a zanzibar report as CSV.",
        "status": "published"})
    assert article.status_code == 201, article.get_json()
    slug = article.get_json()["slug"]
    voter = app.test_client()
    sign_in(voter, world["customer_b"])
    voted = voter.post(f"/kb/{slug}/vote", data={"helpful": "no", "comment": f"zanzibar {CANARY['kb_vote_comment']}"})
    assert voted.status_code == 302
    with app.app_context():
        beta = Session.get(Account, world["account_b"].id)
        metric = create_metric(beta, Session.get(User, world["csm_b"].id), name=f"Leads {CANARY['metric_name']}",
                               source="reported", direction="higher", target=50.0,
                               target_date=TODAY + timedelta(days=90), unit="leads", baseline=10.0)
        add_comment(metric, Session.get(User, world["csm_b"].id), f"On track {CANARY['metric_comment']}")
        Session.commit()
        recompute(TODAY)
        Session.commit()
        Session.remove()
    return slug


def _get_urls(app: Flask, slug: str) -> list[str]:
    """Every GET route, with <ext> as ALPHA and as BETA, small ids (BETA's objects among them), the real slug."""
    samples = all_routes()
    urls: list[str] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED:
            continue
        base = dict(samples[rule.endpoint].params) if rule.endpoint in samples else {}
        variants = [base]
        for argument in rule.arguments - base.keys() - {"ext"}:
            integer = rule._converters[argument].__class__.__name__ == "IntegerConverter"
            variants = [{**v, argument: 1 if integer else (slug if argument == "slug" else "unknown")}
                        for v in variants]
        for argument in rule.arguments - {"ext"}:
            if rule._converters[argument].__class__.__name__ == "IntegerConverter":
                variants += [{**v, argument: n} for v in list(variants) for n in (2, 3)]
        for values in variants:
            for ext in (["ALPHA", "BETA"] if "ext" in rule.arguments else [None]):
                with app.test_request_context():
                    urls.append(url_for(rule.endpoint, **values, **({"ext": ext} if ext else {})))
    urls += [f"/kb/search?q={q}" for q in ("zanzibar", CANARY["kb_vote_comment"][:6])]
    since = (TODAY - timedelta(days=60)).isoformat()
    urls += [f"/accounts/{ext}/exports/{table}.{fmt}?start={since}" for ext in ("ALPHA", "BETA")
             for table in ("usage", "features", "nps", "plan") for fmt in ("csv", "xlsx")]
    urls += [f"/csm/exports/{table}.{fmt}" for table in ("portfolio", "warnings", "cohorts") for fmt in ("csv", "xlsx")]
    return sorted(set(urls))


def _text(response) -> str:
    """The answer as text; for a download packed as a zip (Excel, PowerPoint), the text of all its parts."""
    if response.data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return response.get_data(as_text=True)


def _leaks(body: str) -> list[str]:
    lowered = body.lower()
    return [where for where, marker in CANARY.items() if marker in lowered]


def _crawl(fetch, urls: list[str]) -> tuple[list[str], int]:
    """Fetch the URLs and the chart JSON their pages place; (leaks found, answers read)."""
    found, seen, queue = [], set(), list(urls)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = fetch(url)
        body = _text(response)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        found += [f"{url}: {where}" for where in _leaks(body)]
        found += [f"{url}: header {problem}" for problem in _header_problems(response)]
        if response.mimetype == "text/html":
            queue += [u.replace("&amp;", "&") for u in CHART_URL.findall(body)]
    return found, len(seen)


def _header_problems(response) -> list[str]:
    """What a signed-in answer lacks of the portal's hardening headers (checked on every page of the crawl)."""
    csp = response.headers.get("Content-Security-Policy", "")
    wanted = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]
    problems = [f"CSP lacks {directive}" for directive in wanted if directive not in csp]
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.mimetype in ("text/html", "application/json") and response.headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}, not no-store")
    return problems


def _api_urls() -> list[str]:
    period = f"start={(TODAY - timedelta(days=60)).isoformat()}&end={TODAY.isoformat()}"
    urls = [f"/api/v1/accounts/{ext}/{what}?{period}" for ext in ("ALPHA", "BETA") for what in ("usage", "nps")]
    urls += [f"/api/v1/accounts/{ext}/health" for ext in ("ALPHA", "BETA")]
    urls += [f"/api/v1/kb/search?q={q}" for q in ("zanzibar", "export", CANARY["kb_vote_comment"])]
    return urls


def test_beta_markers_are_planted_where_beta_can_see_them(app, world, api):
    """The check is real: BETA's own CSM finds the markers on BETA's pages and in its API."""
    _seed_beta(app, world, api)
    client = app.test_client()
    sign_in(client, world["csm_b"])
    seen = set()
    for url in ("/accounts/BETA/", "/accounts/BETA/plan", "/csm/", "/surveys/followups"):
        seen.update(_leaks(client.get(url).get_data(as_text=True)))
    token = api(world["csm_b"])
    usage = token.get(f"/api/v1/accounts/BETA/usage?start={(TODAY - timedelta(days=60)).isoformat()}"
                      f"&end={TODAY.isoformat()}")
    seen.update(_leaks(usage.get_data(as_text=True)))
    assert {"account_name", "metric_name", "feature", "nps_comment"} <= seen, seen
    since = (TODAY - timedelta(days=60)).isoformat()
    downloads = set()
    for url in (f"/accounts/BETA/exports/nps.xlsx?start={since}", f"/accounts/BETA/exports/features.csv?start={since}",
                "/accounts/BETA/exports/plan.xlsx", "/csm/exports/portfolio.xlsx"):
        downloads.update(_leaks(_text(client.get(url))))
    assert {"nps_comment", "nps_respondent", "feature", "metric_name", "account_name"} <= downloads, downloads


def test_no_page_chart_or_api_answer_shows_beta_data_to_alpha(app, world, api):
    """ALPHA's customer and CSM request every GET route (ALPHA and BETA), its charts and the API: no marker.

    Every answer of the crawl also carries the hardening headers: CSP with object-src and base-uri 'none'
    and frame-ancestors, nosniff, and Cache-Control: no-store on pages and JSON of a signed-in user.
    """
    urls = _get_urls(app, _seed_beta(app, world, api))
    leaks, read = [], 0
    for role in ("customer_a", "csm_a"):
        client = app.test_client()
        sign_in(client, world[role])
        found, count = _crawl(client.get, urls)
        leaks += [f"{role} {leak}" for leak in found]
        read += count
        token = api(world[role])
        found, count = _crawl(token.get, _api_urls())
        leaks += [f"{role} token {leak}" for leak in found]
        read += count
    assert read > 2 * len(urls)
    assert leaks == []


def test_a_share_link_of_alpha_shows_no_beta_data(app, world, api):
    """The review link of ALPHA, its page and every chart it places, holds no marker of BETA."""
    _seed_beta(app, world, api)
    client = app.test_client()
    sign_in(client, world["csm_a"])
    created = client.post("/accounts/ALPHA/share", data={
        "start": (TODAY - timedelta(days=30)).isoformat(), "end": (TODAY - timedelta(days=1)).isoformat(),
        "note": "Quarterly review", "expires_in_days": "14"})
    match = re.search(r"/share/([A-Za-z0-9_-]{40,})", created.get_data(as_text=True))
    assert match, "the new link is shown"
    anonymous = app.test_client()
    page = anonymous.get(f"/share/{match.group(1)}")
    assert page.status_code == 200 and "Alpha Inc" in page.get_data(as_text=True)
    charts = CHART_URL.findall(page.get_data(as_text=True))
    assert charts, "the review places charts"
    found, read = _crawl(anonymous.get, [f"/share/{match.group(1)}", f"/share/{match.group(1)}/deck.pptx"])
    assert read == 2 + len(set(charts))
    assert found == []
    assert "Alpha Inc" in _text(anonymous.get(f"/share/{match.group(1)}/deck.pptx"))  # the deck's text is searched
