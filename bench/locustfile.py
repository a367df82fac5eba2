"""A day of the portal under load: customers, CSMs, the vendor's app and survey answers, in realistic proportions.

Run by bench/load.py, which seeds the database and passes, through the environment:
    LOAD_ACCOUNTS      number of demo accounts (customers sign in as user1@<ext>.example)
    LOAD_PASSWORD      the demo password
    LOAD_API_TOKEN     an admin API token for the vendor app
    LOAD_SURVEY_TOKENS a file of open survey link tokens, one a line
Requests are named by route (`/accounts/[ext]/`), so the statistics group per route.
Every simulated person sends its own X-Forwarded-For address, as real people behind the
reverse proxy would, so the per-address rate limits apply per person.
"""
from __future__ import annotations

import html
import itertools
import os
import random
import re
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-portal-2026")
N_ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", "1000"))
API_TOKEN = os.environ.get("LOAD_API_TOKEN", "")
CSM_EMAILS = ("casey@demo.example", "jordan@demo.example", "riley@demo.example")
# Queries customers type: common words, two-word phrases, a typo, a prefix and one that finds nothing.
KB_QUERIES = ("report", "schedule report", "single sign-on", "dashboard", "export csv", "api token", "invite team",
              "integrations", "webhook", "billing", "dashbord", "sched", "password reset", "seats", "automation",
              "kubernetes operator")
FEATURES = ("dashboards", "team_invites", "scheduled_reports", "integrations", "automations", "api_access",
            "search", "exports")
EVENT_TYPES = ("login", "page_view", "page_view", "page_view", "feature_used", "feature_used", "report_run")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHART_RE = re.compile(r'data-chart-url="([^"]+)"')
ARTICLE_RE = re.compile(r'href="(/kb/(?!search|suggest|admin)[a-z0-9-]+)(?:\?[^"]*)?"')
ACCOUNT_RE = re.compile(r'href="/accounts/([A-Za-z0-9-]+)/"')

_addresses = itertools.count(1)
_address_lock = threading.Lock()


def next_address() -> str:
    """A distinct client address for each simulated person (10.x.y.z)."""
    with _address_lock:
        n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _survey_tokens() -> list[str]:
    path = os.environ.get("LOAD_SURVEY_TOKENS")
    if not path or not os.path.exists(path):
        return []
    with open(path) as handle:
        tokens = [line.strip() for line in handle if line.strip()]
    random.shuffle(tokens)
    return tokens


SURVEY_TOKENS = _survey_tokens()


def external_id(index: int) -> str:
    """The demo's external id of the account at 0-based index."""
    return "ACME-001" if index == 0 else f"ACC-{index + 1:03d}"


def csrf_of(text: str) -> str:
    """The csrf_token hidden field of a page."""
    found = CSRF_RE.search(text or "")
    return found.group(1) if found else ""


def chart_route(url: str) -> str:
    """A chart URL as its route name: /accounts/[ext]/charts/<name>.json."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return f"/accounts/[ext]/charts/{name}"


class PortalUser(FastHttpUser):
    """A person at a browser: own address, signs in through the real form."""

    abstract = True

    def on_start(self) -> None:
        self.address = next_address()

    def get(self, url: str, **kwargs):
        """GET from this person's address."""
        return self.client.get(url, headers={"X-Forwarded-For": self.address}, **kwargs)

    def post(self, url: str, body: str, **kwargs):
        """POST a form from this person's address."""
        return self.client.post(url, data=body, headers={**FORM, "X-Forwarded-For": self.address}, **kwargs)

    def sign_in(self, email: str) -> bool:
        """GET /login for its csrf_token, then POST the form; True when signed in."""
        with self.get("/login", name="/login", catch_response=True) as page:
            token = csrf_of(page.text)
            if not token:
                page.failure("no csrf_token on /login")
                return False
        body = urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        with self.post("/login", body, name="/login [POST]", allow_redirects=False,
                              catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in of {email} answered {answer.status_code}")
                return False
        return True

    def fetch_charts(self, page_text: str) -> None:
        """Fetch every chart JSON the page names in its data-chart-url attributes, as the browser does."""
        for url in CHART_RE.findall(page_text or ""):
            self.get(html.unescape(url), name=chart_route(url))


class Customer(PortalUser):
    """A customer: dashboard and its charts, other periods, the success plan, the knowledge base."""

    weight = 30
    wait_time = between(5, 15)  # reading a page before the next click

    def on_start(self) -> None:
        super().on_start()
        self.ext = external_id(random.randrange(N_ACCOUNTS))
        self.signed_in = self.sign_in(f"user1@{self.ext.lower()}.example")

    @task(6)
    def dashboard(self) -> None:
        page = self.get(f"/accounts/{self.ext}/", name="/accounts/[ext]/")
        self.fetch_charts(page.text)

    @task(3)
    def change_period(self) -> None:
        days = random.choice(("90", "365"))
        page = self.get(f"/accounts/{self.ext}/?range={days}", name="/accounts/[ext]/?range=[days]")
        self.fetch_charts(page.text)

    @task(2)
    def plan(self) -> None:
        self.get(f"/accounts/{self.ext}/plan", name="/accounts/[ext]/plan")

    @task(3)
    def knowledge_base(self) -> None:
        page = self.get(f"/kb/search?{urlencode({'q': random.choice(KB_QUERIES)})}", name="/kb/search?q=[q]")
        articles = ARTICLE_RE.findall(page.text or "")
        if articles:
            self.get(random.choice(articles), name="/kb/[slug]")

    @task(1)
    def kb_index(self) -> None:
        self.get("/kb/", name="/kb/")


class Csm(PortalUser):
    """A customer success manager: the portfolio, its distribution chart, then accounts from it."""

    weight = 6
    wait_time = between(5, 15)

    def on_start(self) -> None:
        super().on_start()
        self.signed_in = self.sign_in(random.choice(CSM_EMAILS))
        self.accounts: list[str] = []

    @task(2)
    def portfolio(self) -> None:
        page = self.get("/csm/", name="/csm/")
        self.accounts = sorted(set(ACCOUNT_RE.findall(page.text or ""))) or self.accounts
        self.get("/csm/charts/distribution.json", name="/csm/charts/distribution.json")

    @task(3)
    def account(self) -> None:
        if not self.accounts:
            return self.portfolio()
        ext = random.choice(self.accounts)
        page = self.get(f"/accounts/{ext}/", name="/accounts/[ext]/ (csm)")
        self.fetch_charts(page.text)


class VendorApp(FastHttpUser):
    """The vendor's SaaS application: usage event batches and NPS answers through the API."""

    weight = 4
    wait_time = between(2, 5)  # four senders: about one batch a second, 500 events a second

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}

    @task(4)
    def events(self) -> None:
        ext = external_id(random.randrange(N_ACCOUNTS))
        now = datetime.now(timezone.utc)
        batch = []
        for _ in range(random.randint(100, 1000)):
            kind = random.choice(EVENT_TYPES)
            event = {"id": uuid.uuid4().hex, "account": ext, "user": f"{ext}-U{random.randint(1, 5)}", "type": kind,
                     "ts": (now - timedelta(seconds=random.randint(0, 86_000))).isoformat()}
            if kind == "feature_used":
                event["feature"] = random.choice(FEATURES)
            batch.append(event)
        self.client.post("/api/v1/events", json={"events": batch}, headers=self.headers, name="/api/v1/events")

    @task(1)
    def survey_responses(self) -> None:
        now = datetime.now(timezone.utc).isoformat()
        responses = []
        for _ in range(random.randint(1, 20)):
            ext = external_id(random.randrange(N_ACCOUNTS))
            responses.append({"id": uuid.uuid4().hex, "account": ext, "respondent": f"vendor-{random.randint(1, 10**6)}",
                              "score": random.randint(0, 10), "comment": "Sent from the product.", "ts": now})
        self.client.post("/api/v1/survey-responses", json={"responses": responses}, headers=self.headers,
                         name="/api/v1/survey-responses")


class SurveyRespondent(PortalUser):
    """Someone who opens an NPS invitation link from the e-mail and answers it."""

    weight = 9
    wait_time = between(5, 15)

    @task
    def answer(self) -> None:
        if not SURVEY_TOKENS:
            return
        token = SURVEY_TOKENS.pop()
        # Each invitation is a different person, from a different device.
        self.address = next_address()
        self.client.cookiejar.clear()
        with self.get(f"/s/{token}", name="/s/[token]", catch_response=True) as page:
            csrf = csrf_of(page.text)
            if page.status_code == 200 and not csrf:
                page.failure("no csrf_token on the survey page")
                return
        if not csrf:
            return
        time.sleep(random.uniform(3, 10))  # choosing a score and writing a comment
        body = urlencode({"score": random.choice((10, 9, 9, 8, 7, 6, 3)), "comment": "Useful reports.",
                          "csrf_token": csrf})
        with self.post(f"/s/{token}", body, name="/s/[token] [POST]",
                              catch_response=True) as answer:
            if "Thank" not in (answer.text or "") and answer.status_code == 200:
                answer.failure("the answer page did not thank the person")


class Floor(FastHttpUser):
    """The floor under the same load: /healthz (one SELECT 1) and a static file, twice a second."""

    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")
        self.client.get("/static/css/portal.css", name="/static/css/portal.css")


class HealthzProbe(FastHttpUser):
    """The capacity floor: GET /healthz with no pause, run alone (`locust ... HealthzProbe`) by load.py --steps."""

    wait_time = constant(0)
    fixed_count = 0  # never part of the realistic mix; chosen by name on the command line

    @task
    def healthz(self) -> None:
        self.client.get("/healthz")
