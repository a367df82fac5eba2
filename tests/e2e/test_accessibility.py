"""Every main page, as each role sees it, passes axe-core's serious and critical checks; the NPS answer works by keyboard."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.a11y import assert_accessible

pytestmark = pytest.mark.browser

# (who signs in, page name, path; "{article}", "{survey}", "{share}" are filled from the fixtures below)
PAGES = [
    (None, "login", "/login"),
    (None, "nps-answer", "{survey}"),
    (None, "share-review", "{share}"),
    ("customer", "customer-dashboard", "/accounts/ALPHA/"),
    ("customer", "success-plan", "/accounts/ALPHA/plan"),
    ("customer", "assessment", "/accounts/ALPHA/assessment"),
    ("customer", "kb-home", "/kb/"),
    ("customer", "kb-article", "{article}"),
    ("customer", "kb-search", "/kb/search?q=report"),
    ("csm", "csm-dashboard", "/accounts/ALPHA/"),
    ("csm", "csm-plan", "/accounts/ALPHA/plan"),
    ("csm", "portfolio", "/csm/"),
    ("csm", "surveys", "/surveys/"),
    ("csm", "followups", "/surveys/followups"),
    ("csm", "playbooks", "/playbooks/"),
    ("csm", "cohorts", "/playbooks/cohorts"),
    ("csm", "forecast", "/csm/forecast"),
    ("admin", "admin-home", "/admin/"),
    ("admin", "admin-accounts", "/admin/accounts"),
    ("admin", "admin-users", "/admin/users"),
    ("admin", "admin-imports", "/admin/imports/"),
    ("admin", "kb-admin", "/kb/admin/"),
    # forms and secondary pages
    (None, "forgot-password", "/forgot-password"),
    ("customer", "change-password", "/password"),
    ("customer", "assessment-questions", "/accounts/ALPHA/assessment/take/1"),
    ("csm", "share-form", "/accounts/ALPHA/share"),
    ("csm", "plan-metric-edit", "{metric_edit}"),
    ("csm", "followups-tasks", "/playbooks/tasks"),
    ("admin", "health-settings", "/csm/settings/health"),
    ("admin", "admin-account-new", "/admin/accounts/new"),
    ("admin", "admin-account-edit", "/admin/accounts/ALPHA/edit"),
    ("admin", "admin-user-new", "/admin/users/new"),
    ("admin", "key-features", "/admin/key-features/"),
    ("admin", "key-feature-new", "/admin/key-features/new"),
    ("admin", "maturity-model", "/admin/maturity"),
    ("admin", "kb-admin-new", "/kb/admin/new"),
    ("admin", "kb-admin-edit", "/kb/admin/{article_id}/edit"),
    ("admin", "kb-admin-revisions", "/kb/admin/{article_id}/revisions"),
    ("admin", "kb-analytics", "/kb/admin/analytics"),
    ("admin", "kb-gaps", "/kb/admin/gaps"),
    ("admin", "playbook-new", "/playbooks/new"),
    ("admin", "segment-new", "/playbooks/segments/new"),
    ("admin", "campaigns", "/surveys/campaigns"),
    ("admin", "outbox", "/surveys/outbox"),
    ("customer", "two-factor-setup", "/account/two-factor"),
    ("csm", "audit-log", "/audit/"),
    ("admin", "audit-log-admin", "/audit/"),
    ("csm", "view-as-start", "/accounts/ALPHA/view-as"),
    ("admin", "sign-in-rules", "/admin/security"),
]

DRAWN = {"customer-dashboard", "csm-dashboard", "share-review"}

_made: dict[str, str] = {}  # paths of objects created once per live server


def _article_path(live_server) -> str:
    """A published article with headings, a list, a link and code, made once."""
    from knowledge.services import ArticleInput, create_article
    from models.accounts import User
    from models.db import Session

    with live_server.app.app_context():
        author = Session.get(User, live_server.cast["admin"].id)
        body = ("## Run your first report\n\nOpen **Reports**, pick a template and press *Run*.\n\n"
                "- Choose the period\n- Share the result\n\nSee [the knowledge base](/kb/).\n\n`export --csv`\n")
        article = create_article(ArticleInput(title="Run your first report", body_markdown=body,
                                              status="published", category="Reporting", tags=["reports"]), author)
        Session.commit()
        _made[f"{live_server.url}:article_id"] = str(article.id)
        return f"/kb/{article.slug}"


def _survey_path(live_server) -> str:
    """A fresh NPS invitation for the Alpha customer; its link path."""
    from models.accounts import Account, User
    from models.db import Session
    from surveys.nps.campaigns import default_campaign, invite, token_for

    with live_server.app.app_context():
        user = Session.get(User, live_server.cast["customer"].id)
        account = Session.get(Account, live_server.cast["alpha"].id)
        invitation = invite(default_campaign(), user, account)
        Session.commit()
        return f"/s/{token_for(invitation.token_salt)}"


def _share_path(live_server) -> str:
    """A share link for Alpha over the last 30 days, made by its CSM."""
    from models.accounts import Account, User
    from models.db import Session
    from portal.share.services import create_link

    with live_server.app.app_context():
        csm = Session.get(User, live_server.cast["csm"].id)
        account = Session.get(Account, live_server.cast["alpha"].id)
        today = date.today()
        token, _link = create_link(account, csm, today - timedelta(days=29), today, note="Quarterly review")
        Session.commit()
        return f"/share/{token}"


def _usage_seeded(live_server) -> str:
    """A month of Alpha's usage and a health score, so its charts, cards and tables draw with data."""
    from datetime import datetime, time, timezone

    from analytics.health.recompute import recompute
    from analytics.usage.ingest import store_items, validate_batch
    from models.db import Session

    today = date.today()
    events = []
    for back in range(1, 31):
        moment = datetime.combine(today - timedelta(days=back), time(10), tzinfo=timezone.utc)
        for who in ("pat@alpha.test", "lee@alpha.test"):
            events.append({"id": f"a11y-{back}-{who}-login", "account": "ALPHA", "user": who, "type": "login",
                           "ts": moment.isoformat()})
            events.append({"id": f"a11y-{back}-{who}-export", "account": "ALPHA", "user": who,
                           "type": "feature_used", "feature": "exports" if back % 2 else "dashboards",
                           "ts": moment.isoformat()})
            events.append({"id": f"a11y-{back}-{who}-report", "account": "ALPHA", "user": who, "type": "report_run",
                           "ts": moment.isoformat()})
    with live_server.app.app_context():
        store_items(validate_batch(events))
        Session.commit()
        recompute(today, warnings=False)
        Session.commit()
    return "seeded"


@pytest.fixture(autouse=True)
def _alpha_has_usage(page, live_server):
    """Alpha's usage is in the live portal before any page is checked."""
    key = f"{live_server.url}:usage"
    if key not in _made:
        _made[key] = _usage_seeded(live_server)


def _article_id(live_server) -> str:
    """The id of the published article (made with it)."""
    _resolve("{article}", live_server)
    return _made[f"{live_server.url}:article_id"]


def _metric_edit_path(live_server) -> str:
    """A reported success-plan metric of Alpha; the path of its edit page."""
    from analytics.plan.services import create_metric
    from models.accounts import Account, User
    from models.db import Session

    with live_server.app.app_context():
        account = Session.get(Account, live_server.cast["alpha"].id)
        metric = create_metric(account, Session.get(User, live_server.cast["csm"].id), name="Qualified leads",
                               source="reported", direction="higher", target=80, baseline=40,
                               target_date=date.today() + timedelta(days=90), unit="leads")
        Session.commit()
        return f"/accounts/ALPHA/plan/metrics/{metric.id}/edit"


_MAKERS = {"article": _article_path, "article_id": _article_id, "survey": _survey_path, "share": _share_path,
           "metric_edit": _metric_edit_path}


def _resolve(path: str, live_server) -> str:
    """Fill the {placeholder}s of a path, creating their objects once."""
    def fill(match: re.Match) -> str:
        key = f"{live_server.url}:{match.group(1)}"
        if key not in _made:
            _made[key] = _MAKERS[match.group(1)](live_server)
        return _made[key]

    return re.sub(r"\{(\w+)\}", fill, path)


def _wait_for_charts(page) -> None:
    """Wait until every chart placeholder has drawn its figure or its empty message."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart[data-chart-url]')].every(el => el.hasAttribute('data-chart-ready'))")


@pytest.mark.parametrize("who, name, path", PAGES, ids=[name for _who, name, _path in PAGES])
def test_page_has_no_serious_accessibility_violations(page, live_server, sign_in, who, name, path):
    """axe-core finds no serious or critical violation on the page as this role sees it."""
    target = _resolve(path, live_server)
    if who:
        sign_in(page, live_server.cast[who].email)
        _wait_for_charts(page)  # leaving the landing page mid-fetch would abort its chart requests
    response = page.goto(target)
    assert response.status == 200, f"{target} answered {response.status}"
    _wait_for_charts(page)
    if name in DRAWN:  # the scan covers a drawn chart with its controls, not only empty states
        assert page.locator(".chart .bk-Figure, .chart .bk-Canvas, .chart canvas").count() > 0
    assert_accessible(page, name)


PHONE_PAGES = [("customer", "customer-dashboard"), ("csm", "portfolio"), (None, "nps-answer"), ("customer", "kb-article")]


@pytest.mark.parametrize("who, name", PHONE_PAGES, ids=[name for _who, name in PHONE_PAGES])
def test_page_on_a_phone_has_no_serious_accessibility_violations(page, live_server, sign_in, who, name):
    """At 390 px (collapsed navigation, stacked cards) axe-core finds no serious or critical violation."""
    path = next(p for w, n, p in PAGES if n == name)
    target = _resolve(path, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    if who:
        sign_in(page, live_server.cast[who].email)
        _wait_for_charts(page)
    page.goto(target)
    _wait_for_charts(page)
    assert_accessible(page, f"{name}-phone")


def test_sign_in_error_state_is_accessible(page, live_server, sign_in):
    """The sign-in form showing its error passes the same checks (error tied to the field, readable colours)."""
    sign_in(page, live_server.cast["csm"].email, "not the right password")
    assert page.locator("#password-error").is_visible()
    assert_accessible(page, "login-error")


def test_nps_answer_with_the_keyboard_only(page, live_server):
    """Tab to the scores, pick one with the arrow keys, Tab to the comment, type, Tab to send, press Enter."""
    page.goto(_survey_path(live_server))
    page.locator("body").focus()
    for _ in range(15):  # the skip link and the brand come first
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "score":
            break
    assert page.evaluate("document.activeElement.name") == "score"
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    assert page.locator("#score-9").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "comment"
    page.keyboard.type("Reports save me a day a week")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you!").wait_for()
