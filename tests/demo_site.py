"""The seeded demo as a site to check from outside: a portal on a SQLite file, its token links, and a crawler.

Page checks (HTML validity, weight) need every page that a role can reach. `crawl` starts at a
role's landing pages and follows every same-origin link of the HTML it gets, keeping a few pages per
route (two articles show what a hundred would), so a new page is checked as soon as a link leads to it.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select
from werkzeug.exceptions import HTTPException

import models
from analytics.playbooks.engine import unsubscribe_token
from models.accounts import Account, User
from models.db import Session, make_engine
from portal import create_app, demo
from portal.auth.reset import make_reset_token
from portal.share.services import create_link
from surveys.nps.campaigns import default_campaign, invite, token_for

PAGES_PER_ROUTE = 2
MAX_PAGES_PER_ROLE = 150
ROLES = ("customer", "csm", "admin")
ANONYMOUS_STARTS = ["/login", "/forgot-password"]
SKIPPED_SUFFIXES = (".json", ".csv", ".xlsx", ".pptx", ".pdf", ".png", ".svg", ".txt")


@dataclass
class DemoSite:
    """A seeded portal: its app, the demo sign-ins by role and the anonymous token pages."""

    app: object
    logins: dict[str, str]
    token_pages: list[str] = field(default_factory=list)


def build_demo_site(directory, accounts: int = 4, days: int = 60) -> DemoSite:
    """Seed a small demo into a SQLite file under directory; CSRF is on so forms render as in production."""
    url = f"sqlite:///{directory / 'demo.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                      "PORTAL_BASE_URL": "http://localhost", "MAIL_SUPPRESS_SEND": True})
    return seed_demo_site(app, accounts, days)


def seed_demo_site(app, accounts: int = 4, days: int = 60) -> DemoSite:
    """Seed the demo into the app's database, plus a survey invitation, a share link and reset and unsubscribe links."""
    with app.test_request_context():  # the seed and the links build URLs
        ctx = demo.seed_demo(n_accounts=accounts, days=days, seed=7)
        Session.commit()
        logins = {role: email for role, email, _sees in ctx.logins}
        customer = Session.scalar(select(User).where(User.email == logins["customer"]))
        account = Session.get(Account, customer.account_id)
        csm = Session.get(User, account.csm_id)
        invitation = invite(default_campaign(), customer, account)
        today = ctx.today
        share_token, _link = create_link(account, csm, today - timedelta(days=29), today, note="Quarterly review")
        Session.commit()
        survey = f"/s/{token_for(invitation.token_salt)}"
        token_pages = [survey, f"{survey}/unsubscribe", f"/share/{share_token}",
                       f"/reset-password/{make_reset_token(customer)}",
                       f"/playbooks/unsubscribe/{unsubscribe_token(customer.id)}"]
    return DemoSite(app=app, logins=logins, token_pages=token_pages)


def role_pages(site: DemoSite, per_route: int = PAGES_PER_ROUTE) -> dict[str, dict[str, str]]:
    """{role: {path: html}} for the anonymous visitor (sign-in pages and links) and each signed-in role."""
    pages = {"anonymous": crawl(site.app, site.app.test_client(), ANONYMOUS_STARTS + site.token_pages, per_route)}
    for role in ROLES:
        client = signed_in_client(site.app, site.logins[role])
        pages[role] = crawl(site.app, client, ["/"] + (["/csm/"] if role != "customer" else []), per_route)
    return pages


class _Links(HTMLParser):
    """Collects the href of every <a>."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    """The href of every link on a page."""
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def csrf_token_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)


def signed_in_client(app, email: str):
    """A test client signed in through the login form (CSRF included)."""
    client = app.test_client()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def _route_key(app, path: str, query: str) -> str | None:
    """The endpoint of a path plus the names of its query parameters; None for no route."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except HTTPException:
        return None
    names = sorted({part.split("=")[0] for part in query.split("&") if part})
    return f"{endpoint}?{','.join(names)}"


def crawl(app, client, starts: list[str], per_route: int = PAGES_PER_ROUTE) -> dict[str, str]:
    """{path: html} of the HTML pages reachable by following links from starts, a few per route."""
    pages: dict[str, str] = {}
    per_route_seen: dict[str, int] = {}
    queue = deque(starts)
    seen = set(starts)
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        target = queue.popleft()
        response = client.get(target)
        if response.status_code in (301, 302, 303) and target in starts:
            hrefs = [response.headers["Location"]]  # a landing page that sends the role on
        elif response.status_code != 200 or response.mimetype != "text/html":
            continue
        else:
            pages[target] = response.get_data(as_text=True)
            hrefs = links_of(pages[target])
        for href in hrefs:
            parts = urlsplit(urljoin(f"http://localhost{urlsplit(target).path}", href))
            if parts.netloc != "localhost" or parts.path.startswith(("/static/", "/api/")) \
                    or parts.path.endswith(SKIPPED_SUFFIXES) or parts.path == "/logout":
                continue
            found = parts.path + (f"?{parts.query}" if parts.query else "")
            key = _route_key(app, parts.path, parts.query)
            if found in seen or key is None or per_route_seen.get(key, 0) >= per_route:
                continue
            seen.add(found)
            per_route_seen[key] = per_route_seen.get(key, 0) + 1
            queue.append(found)
    return pages
