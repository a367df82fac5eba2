"""The embedded SQLite database behind real gunicorn -w 3: API batches, survey answers and article votes at once.

No response is a 500, a 503 or mentions 'database is locked', and every count adds up.
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.faults.conftest import portal_app, upgrade_and_seed
from tests.faults.servers import Answer, Browser, csrf_token

pytestmark = pytest.mark.faults

WORKERS = 3
API_CLIENTS = 3
BATCHES = 12  # per API client
OWN_EVENTS = 80  # events only this client sends, per batch
SHARED_EVENTS = 20  # events every client sends with the same ids, per batch: all but one copy are duplicates
PEOPLE = 8  # customers: each answers a survey link and votes on an article, twice
TYPES = ("login", "page_view", "feature_used", "report_run")


def _event(event_id: str, n: int) -> dict:
    day = date.today() - timedelta(days=1 + n % 5)
    kind = TYPES[n % len(TYPES)]
    event = {"id": event_id, "account": "FAULTS", "user": f"person-{n % 9}@faults.test", "type": kind,
             "ts": datetime(day.year, day.month, day.day, 9 + n % 8, n % 60, tzinfo=timezone.utc).isoformat()}
    if kind == "feature_used":
        event["feature"] = f"feature-{n % 3}"
    return event


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve):
    """A SQLite file with the schema, customers with survey links, a published article; gunicorn -w 3 on it."""
    from models.accounts import User
    from models.db import Session
    from knowledge.services import ArticleInput, create_article
    from surveys.nps.campaigns import default_campaign, invite, token_for

    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite-workers') / 'portal.db'}"
    seeded = upgrade_and_seed(url, customers=PEOPLE)
    with portal_app(url):
        people = list(Session.scalars(select(User).where(User.role == "customer").order_by(User.id)))
        campaign = default_campaign()
        links = [token_for(invite(campaign, person, person.account).token_salt) for person in people]
        article = create_article(ArticleInput(title="Scheduling reports", body_markdown="# Steps\n\nOpen Reports.",
                                              status="published"), None)
        Session.commit()
        slug = article.slug
    server = serve({"DATABASE_URL": url}, workers=WORKERS)
    return {"server": server, "url": url, "links": links, "slug": slug, **seeded}


def _post_batches(port: int, token: str, client: int, answers: list) -> None:
    browser = Browser(port)
    for batch in range(BATCHES):
        events = [_event(f"c{client}-b{batch}-e{k}", k + client) for k in range(OWN_EVENTS)]
        events += [_event(f"shared-b{batch}-e{k}", k) for k in range(SHARED_EVENTS)]
        answers.append(("api", browser.post_json("/api/v1/events", {"events": events}, token)))


def _answer_survey(port: int, link: str, n: int, answers: list) -> None:
    person = Browser(port)
    page = person.get(f"/s/{link}")
    answers.append(("survey page", page))
    answers.append(("survey answer", person.post(f"/s/{link}", {"score": str(n % 11), "comment": f"answer {n}",
                                                              "csrf_token": csrf_token(page.text)})))


def _vote(port: int, email: str, slug: str, answers: list) -> None:
    person = Browser(port)
    form = person.get("/login")
    answers.append(("sign-in", person.post("/login", {"email": email, "password": PASSWORD,
                                                     "csrf_token": csrf_token(form.text)})))
    for helpful in ("no", "yes"):  # a vote, then a change of mind: still one vote
        page = person.get(f"/kb/{slug}")
        answers.append(("article", page))
        answers.append(("vote", person.post(f"/kb/{slug}/vote", {"helpful": helpful, "comment": "",
                                                                "csrf_token": csrf_token(page.text)})))


def test_three_gunicorn_workers_on_sqlite_write_at_once_without_a_lock_error(site):
    """Batches, survey answers and votes together: every answer is what a user expects, every count adds up."""
    from models.db import Session
    from models.knowledge import KbView, KbVote
    from models.surveys import SurveyResponse
    from models.usage import UsageAccountDay, UsageEvent

    port = site["server"].port
    answers: list[tuple[str, Answer]] = []
    jobs = [(_post_batches, (port, site["token"], c, answers)) for c in range(API_CLIENTS)]
    jobs += [(_answer_survey, (port, link, n, answers)) for n, link in enumerate(site["links"])]
    jobs += [(_vote, (port, email, site["slug"], answers)) for email in site["customers"]]
    barrier = threading.Barrier(len(jobs))

    def run(target, args):
        barrier.wait()
        target(*args)

    threads = [threading.Thread(target=run, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a client never finished"

    expected = {"api": 200, "survey page": 200, "survey answer": 200, "sign-in": 302, "article": 200, "vote": 302}
    wrong = [(kind, a.status, a.text[:300]) for kind, a in answers if a.status != expected[kind]]
    assert not wrong, wrong[:3]
    assert not any("database is locked" in a.text.lower() for _, a in answers)
    assert len([1 for kind, _ in answers if kind == "api"]) == API_CLIENTS * BATCHES
    assert all("Your answer was saved" in a.text for kind, a in answers if kind == "survey answer")
    api = [a.json() for kind, a in answers if kind == "api"]
    assert sum(body["accepted"] for body in api) == API_CLIENTS * BATCHES * OWN_EVENTS + BATCHES * SHARED_EVENTS
    assert sum(body["duplicates"] for body in api) == (API_CLIENTS - 1) * BATCHES * SHARED_EVENTS
    workers = site["server"].worker_pids(expected=len(answers))
    assert len(workers) >= 2, "only one worker answered; the test proved nothing"

    with portal_app(site["url"]):
        stored = Session.scalar(select(func.count()).select_from(UsageEvent))
        rolled_up = Session.scalar(select(func.sum(UsageAccountDay.events)))
        responses = Session.scalar(select(func.count()).select_from(SurveyResponse))
        votes = list(Session.scalars(select(KbVote.helpful)))
        views = Session.scalar(select(func.count()).select_from(KbView))
    assert stored == rolled_up == sum(body["accepted"] for body in api)
    assert responses == PEOPLE
    assert votes == [True] * PEOPLE
    assert views == 2 * PEOPLE
    print(f"\nSQLite, gunicorn -w {WORKERS}: {len(answers)} requests, statuses "
          f"{sorted({a.status for _, a in answers})}, workers answering {len(workers)}; "
          f"{stored} events, {responses} survey answers, {len(votes)} votes, {views} article views")
