"""Every statement the portal runs on PostgreSQL distributes on Citus (tests/citus_sql.py holds the rules).

The demo is seeded into PostgreSQL, the commands run (`health recompute`, `surveys send`,
`playbooks run`), a batch of events for two accounts is ingested, and every page each role reaches is
opened, and the staff's buttons that find a row by its id are pressed; each statement sent to the server is
recorded and parsed. Besides Citus's refusals, a lookup by id on a table keyed (account_id, id) must name the
account (tests/citus_sql.py, lookup_problems). The checker itself is tested on small statements.
"""
from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import and_, event, func, select

from analytics.usage.ingest import ingest_events
from models.accounts import Account, User
from surveys.maturity import services as maturity
from models.db import Session, utcnow
from models.health import HealthWarning
from models.plans import PlanMetric
from models.playbooks import CsmTask
from models.surveys import DetractorFollowup, SurveyResponse
from tests.citus_sql import lookup_problems, order_problems, parse, problems
from tests.demo_site import csrf_token_of, role_pages, seed_demo_site, signed_in_client

# Statements known to distribute for a reason the checker does not see. Keep it short; say why.
ALLOWED: dict[str, str] = {}

MUST_FLAG = [
    # A correlated EXISTS from a reference table into a distributed one.
    "SELECT account.id FROM account WHERE EXISTS (SELECT 1 FROM usage_feature_day "
    "WHERE usage_feature_day.account_id = account.id AND usage_feature_day.events > 0)",
    # The same as a scalar subquery in the select list.
    'SELECT "user".id, (SELECT max(sent_at) FROM survey_invitation WHERE survey_invitation.user_id = "user".id) '
    'FROM "user"',
    # NOT IN over a distributed table from a reference table.
    "SELECT account.id FROM account WHERE account.id NOT IN (SELECT account_id FROM health_score)",
    # Two distributed tables joined on an id alone.
    "SELECT r.score FROM survey_response r JOIN detractor_followup f ON f.response_id = r.id",
    # Three distributed tables, one of them joined on its id only.
    "SELECT 1 FROM assessment_round r JOIN assessment_response p ON p.round_id = r.id AND p.account_id = r.account_id "
    "JOIN assessment_answer a ON a.response_id = p.id",
    # The join condition in WHERE, without the account.
    "SELECT 1 FROM plan_metric m, plan_reading r WHERE r.metric_id = m.id",
    # A derived table over a distributed table, joined on the day alone.
    "SELECT 1 FROM health_score h JOIN (SELECT account_id, max(as_of) AS as_of FROM health_score GROUP BY account_id) l "
    "ON l.as_of = h.as_of",
    # A window over every account's rows, not partitioned by account.
    "SELECT r.account_id, row_number() OVER (PARTITION BY r.respondent ORDER BY r.ts) FROM survey_response r",
    # A reference table updated from a distributed one.
    "UPDATE account SET data_changed_at = now() WHERE account.id IN (SELECT account_id FROM usage_event_key)",
    # A query the parser cannot read is not waved through.
    "SELECT FROM WHERE account_id = = 1",
    # A correlated subquery between distributed tables, correlated on an id only.
    "SELECT 1 FROM playbook_episode e WHERE EXISTS (SELECT 1 FROM playbook_send s WHERE s.episode_id = e.id)",
]

MUST_PASS = [
    "SELECT account.id FROM account LEFT JOIN (SELECT account_id, count(*) AS n FROM usage_feature_day "
    "GROUP BY account_id) used ON used.account_id = account.id WHERE used.account_id IS NULL",
    "SELECT r.score FROM survey_response r JOIN detractor_followup f ON f.response_id = r.id AND f.account_id = r.account_id",
    "SELECT 1 FROM plan_metric m, plan_reading r WHERE r.metric_id = m.id AND r.account_id = m.account_id",
    "SELECT 1 FROM usage_user_day u JOIN usage_account_day a USING (account_id, day)",
    # Reference tables join anything; an uncorrelated IN is planned on its own.
    "SELECT a.name, h.score FROM health_score h JOIN account a ON a.id = h.account_id JOIN \"user\" u ON u.id = a.csm_id",
    "SELECT account.id FROM account WHERE account.id IN (SELECT account_id FROM health_score WHERE band = 'red')",
    # A correlated subquery into a reference table, and one between co-located tables on account_id.
    "SELECT 1 FROM health_warning w WHERE EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = w.resolved_by_id)",
    "SELECT 1 FROM playbook_episode e WHERE EXISTS (SELECT 1 FROM playbook_send s WHERE s.episode_id = e.id "
    "AND s.account_id = e.account_id)",
    "SELECT r.account_id, row_number() OVER (PARTITION BY r.account_id, r.respondent ORDER BY r.ts) "
    "FROM survey_response r",
    "SELECT row_number() OVER (ORDER BY r.ts) FROM survey_response r WHERE r.account_id = %(account_id_1)s",
    # Aggregates over all accounts (the portfolio) and statements that are not queries.
    "SELECT band, count(*) FROM health_score GROUP BY band",
    "SET LOCAL statement_timeout = 1000",
]


@pytest.mark.parametrize("sql", MUST_FLAG)
def test_the_checker_flags_what_citus_refuses(sql):
    assert problems(sql), sql


@pytest.mark.parametrize("sql", MUST_PASS)
def test_the_checker_passes_what_citus_distributes(sql):
    assert problems(sql) == [], sql


# Lookups by id on tables keyed (account_id, id): the id alone is a scan on PostgreSQL and every shard on Citus.
LOOKUP_MUST_FLAG = [
    "SELECT csm_task.id FROM csm_task WHERE csm_task.id = %(pk_1)s",
    "SELECT assessment_response.id FROM assessment_response WHERE assessment_response.id = %(pk_1)s FOR UPDATE",
    # The admin's view of every account: a join to account names no account of the task.
    "SELECT csm_task.id FROM csm_task JOIN account ON account.id = csm_task.account_id WHERE csm_task.id = %(id_1)s",
    # The accounts as a subquery: an admin's is every account, and PostgreSQL scans the table for the id.
    "SELECT health_warning.id FROM health_warning WHERE health_warning.account_id IN (SELECT account.id FROM account "
    "WHERE true) AND health_warning.id = %(id_1)s",
    "UPDATE detractor_followup SET note = %(note)s WHERE detractor_followup.id = %(id_1)s",
    "DELETE FROM share_visit WHERE share_visit.id IN (%(id_1_1)s, %(id_1_2)s)",
    # Children by their parent's id: the index is (account_id, metric_id).
    "DELETE FROM plan_reading WHERE plan_reading.metric_id = %(metric_id_1)s",
    "SELECT level FROM assessment_round_level WHERE round_id IN (%(round_ids_1)s, %(round_ids_2)s)",
    # The account of another table than the one looked up.
    "SELECT 1 FROM plan_reading r JOIN plan_metric m ON m.id = r.metric_id WHERE r.id = 1 AND m.account_id = 3",
]

LOOKUP_MUST_PASS = [
    "SELECT csm_task.id FROM csm_task WHERE csm_task.account_id = %(a)s AND csm_task.id = %(pk_1)s",
    "SELECT csm_task.id FROM csm_task WHERE csm_task.account_id IN (%(ids_1)s, %(ids_2)s) AND csm_task.id = %(id_1)s",
    "DELETE FROM plan_reading WHERE plan_reading.account_id = %(a)s AND plan_reading.metric_id = %(metric_id_1)s",
    "SELECT level FROM assessment_round_level WHERE account_id IN (%(a_1)s) AND round_id IN (%(r_1)s, %(r_2)s)",
    # The account reaches the looked-up table through account_id = account_id.
    "SELECT 1 FROM plan_reading r JOIN plan_metric m ON m.account_id = r.account_id AND m.id = r.metric_id "
    "WHERE r.id = 1 AND m.account_id = 3",
    # Joins on ids are the other rule's business; lookups by other columns are not lookups by id.
    "SELECT 1 FROM survey_response r JOIN detractor_followup f ON f.response_id = r.id AND f.account_id = r.account_id",
    "SELECT share_link.id FROM share_link WHERE share_link.token_hash = %(h)s",
    "SELECT kb_article.id FROM kb_article WHERE kb_article.id = %(id_1)s",
]


@pytest.mark.parametrize("sql", LOOKUP_MUST_FLAG)
def test_the_checker_flags_a_lookup_by_id_without_the_account(sql):
    assert lookup_problems(sql), sql


@pytest.mark.parametrize("sql", LOOKUP_MUST_PASS)
def test_the_checker_passes_a_lookup_by_account_and_id(sql):
    assert lookup_problems(sql) == [], sql


ACCOUNT_MARK = "UPDATE account SET data_changed_at = %(now)s WHERE account.id IN (%(id_1)s, %(id_2)s)"
ALL_SHARDS = "DELETE FROM usage_user_day WHERE account_id IN (%(ids_1)s, %(ids_2)s) AND day >= %(horizon)s"
ONE_SHARD = "SELECT count(*) FROM usage_user_day WHERE usage_user_day.account_id = %(account_id_1)s"


def test_the_checker_flags_a_reference_write_after_a_multi_shard_statement():
    assert order_problems([(ALL_SHARDS, {}), (ACCOUNT_MARK, {})])
    # Rows of two accounts in one INSERT reach two shards too.
    two_rows = "INSERT INTO health_score (account_id, score) VALUES (%(account_id__0)s, 1), (%(account_id__1)s, 2)"
    assert order_problems([(two_rows, {"account_id__0": 1, "account_id__1": 2}), (ACCOUNT_MARK, {})])
    # INSERT ... SELECT spreads its rows over the shards, in a CTE too.
    staged = ("WITH keys AS (INSERT INTO usage_event_key (account_id, client_id) SELECT account_id, client_id "
              "FROM usage_staging RETURNING account_id) SELECT count(*) FROM keys")
    assert order_problems([(staged, {}), (ACCOUNT_MARK, {})])


def test_the_checker_passes_a_reference_write_first_or_after_one_shard_only():
    assert order_problems([(ACCOUNT_MARK, {}), (ALL_SHARDS, {})]) == []
    assert order_problems([(ONE_SHARD, {}), (ACCOUNT_MARK, {})]) == []
    sequential = "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"
    assert order_problems([(sequential, {}), (ALL_SHARDS, {}), (ACCOUNT_MARK, {})]) == []


@pytest.fixture
def app_config():
    """CSRF on, so the crawler signs in through the forms as a person would."""
    return {"TESTING": True, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
            "PORTAL_BASE_URL": "http://localhost", "MAIL_SUPPRESS_SEND": True}


def _two_account_batch() -> list[dict]:
    """Events of today and of last week for two accounts, with a new person in each."""
    accounts = list(Session.scalars(select(Account).where(Account.status == "active").order_by(Account.id).limit(2)))
    assert len(accounts) == 2, "the demo has fewer than two active accounts"
    now = utcnow()
    return [{"id": f"citus-{account.id}-{n}", "account": account.external_id, "user": f"citus-{account.id}-{n}@example.com",
             "type": "feature_used", "feature": "reports", "ts": (now - timedelta(days=n * 3, minutes=1)).isoformat()}
            for account in accounts for n in range(3)]


def _answer_an_assessment() -> str:
    """A customer of the first account answers every question of the open assessment at level 2 and submits."""
    account = Session.scalar(select(Account).where(Account.status == "active").order_by(Account.id).limit(1))
    for person in Session.scalars(select(User).where(User.account_id == account.id, User.role == "customer")
                                  .order_by(User.id.desc())):
        response = maturity.start_response(account, person)
        if response.status == "submitted":
            continue
        model = maturity.round_of(response).model
        maturity.save_answers(response, person, {question.id: next(o.id for o in question.options if o.level == 2)
                                                 for dimension in model.dimensions for question in dimension.questions})
        maturity.submit_response(response, person)
        return response.status
    return "nobody left to answer"


def _staff_actions(app, site) -> None:
    """The lookups by id of the staff's buttons: a task done and undone, a warning acknowledged, a metric's
    reading, comment and deletion, each as the role that may do it."""
    with app.test_request_context():
        csm = Session.scalar(select(User).where(User.email == site.logins["csm"]))
        task = Session.scalar(select(CsmTask).join(Account, Account.id == CsmTask.account_id)
                              .where(Account.csm_id == csm.id).order_by(CsmTask.id).limit(1))
        warning = Session.scalar(select(HealthWarning).where(HealthWarning.acknowledged_at.is_(None))
                                 .order_by(HealthWarning.id).limit(1))
        metric = Session.scalar(select(PlanMetric).where(PlanMetric.source == "reported").order_by(PlanMetric.id).limit(1))
        assert task is not None and warning is not None and metric is not None, "the demo lacks a task, warning or metric"
        ext = Session.get(Account, metric.account_id).external_id
        metric_page = url_for("plan.metric", ext=ext, metric_id=metric.id)
        actions = [  # (role, a page holding a form, the button's url, the form's fields)
            ("csm", url_for("playbooks.tasks"), url_for("playbooks.task_done", task_id=task.id), {}),
            ("admin", url_for("playbooks.tasks"), url_for("playbooks.task_undo", task_id=task.id), {}),
            ("admin", "/csm/", url_for("csm.acknowledge", warning_id=warning.id), {}),
            ("admin", metric_page, url_for("plan.add_metric_reading", ext=ext, metric_id=metric.id),
             {"value": "12", "day": utcnow().date().isoformat(), "note": "From the review"}),
            ("admin", metric_page, url_for("plan.add_metric_comment", ext=ext, metric_id=metric.id),
             {"body": "Going the right way"}),
            ("admin", url_for("plan.edit_metric", ext=ext, metric_id=metric.id),
             url_for("plan.delete_metric_view", ext=ext, metric_id=metric.id), {"confirm": "y"}),
        ]
    clients = {}
    for role, page, url, data in actions:
        client = clients.get(role) or clients.setdefault(role, signed_in_client(app, site.logins[role]))
        token = csrf_token_of(client.get(page).get_data(as_text=True))
        done = client.post(url, data={**data, "csrf_token": token})
        assert done.status_code in (302, 303), f"{url}: {done.status_code}"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_every_statement_of_the_demo_commands_and_pages_distributes(app, tmp_path):
    """Seed, recompute, send, run, ingest (the API's way and a CSV import) and crawl; no statement breaks a Citus rule."""
    started = time.perf_counter()
    statements: dict[str, list[str]] = defaultdict(list)  # SQL -> the steps that ran it
    transactions: dict[int, list[tuple[str, list]]] = defaultdict(list)  # per connection, the open transaction
    finished: list[tuple[str, list]] = []  # (step, [(sql, parameters)]) of every transaction
    step = ["seed"]

    def record(conn, cursor, sql, parameters, context, executemany):
        statements[sql].append(step[0])
        transactions[id(conn.connection.dbapi_connection)].append((sql, parameters))

    def boundary(conn):
        ran = transactions.pop(id(conn.connection.dbapi_connection), [])
        if ran:
            finished.append((step[0], ran))

    engine = app.extensions["db_engine"]
    listeners = [("before_cursor_execute", record), ("begin", boundary), ("commit", boundary), ("rollback", boundary)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        site = seed_demo_site(app, accounts=4, days=45)
        runner = app.test_cli_runner()
        for args in (["health", "recompute"], ["surveys", "send"], ["playbooks", "run"]):
            step[0] = " ".join(args)
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        step[0] = "ingestion"
        with app.app_context():
            outcome = ingest_events(_two_account_batch())
            Session.commit()
        assert outcome.accepted == 6
        step[0] = "events import"
        csv_file = tmp_path / "events.csv"
        with app.app_context():
            rows = [{**event, "id": f"{event['id']}-csv"} for event in _two_account_batch()]
        csv_file.write_text("id,account,user,type,feature,ts\n" + "".join(
            f"{r['id']},{r['account']},{r['user']},{r['type']},{r['feature']},{r['ts']}\n" for r in rows))
        result = runner.invoke(args=["events", "import", str(csv_file), "--batch-size", "2"])  # several batches
        assert result.exit_code == 0 and "Imported 6 event(s)" in result.output, result.output
        step[0] = "survey answer"
        answering = app.test_client()
        survey = site.token_pages[0]
        token = csrf_token_of(answering.get(survey).get_data(as_text=True))
        answered = answering.post(survey, data={"score": "3", "comment": "Too slow", "csrf_token": token})
        assert answered.status_code in (200, 302, 303), answered.status_code
        with app.app_context():  # a detractor's answer opens a follow-up
            assert Session.scalar(select(func.count()).select_from(DetractorFollowup).join(
                SurveyResponse, and_(SurveyResponse.account_id == DetractorFollowup.account_id,
                                     SurveyResponse.id == DetractorFollowup.response_id))
                .where(SurveyResponse.comment == "Too slow")) == 1
        step[0] = "follow-up closed"
        with app.app_context():
            followup_id = Session.scalar(select(DetractorFollowup.id).join(
                SurveyResponse, and_(SurveyResponse.account_id == DetractorFollowup.account_id,
                                     SurveyResponse.id == DetractorFollowup.response_id))
                .where(SurveyResponse.comment == "Too slow"))
        admin = signed_in_client(app, site.logins["admin"])
        page = f"/surveys/followups/{followup_id}"
        token = csrf_token_of(admin.get(page).get_data(as_text=True))
        closed = admin.post(page, data={"note": "Called them", "reply": "Faster now", "publish_reply": "y",
                                        "close": "y", "csrf_token": token})
        assert closed.status_code == 302, closed.status_code
        step[0] = "assessment"
        with app.app_context():
            assert _answer_an_assessment() == "submitted"
            Session.commit()
        step[0] = "staff actions"
        _staff_actions(app, site)
        step[0] = "pages"
        pages = role_pages(site)
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)

    assert all(len(pages[role]) > 5 for role in ("customer", "csm", "admin")), {r: len(p) for r, p in pages.items()}
    parsed = [sql for sql in statements if parse(sql) is not None]
    assert len(parsed) > 200, "too few statements were recorded to say anything"
    found = []
    for sql in parsed:
        if sql in ALLOWED:
            continue
        for problem in problems(sql):
            found.append(f"[{', '.join(sorted(set(statements[sql])))}] {problem}")
    for step_name, ran in finished:
        found += [f"[{step_name}] {problem}" for problem in order_problems(ran)]
    assert not found, f"{len(found)} statements Citus would refuse:\n" + "\n".join(sorted(set(found)))
    unkeyed = sorted({f"[{', '.join(sorted(set(statements[sql])))}] {problem}"
                      for sql in parsed for problem in lookup_problems(sql)})
    assert not unkeyed, f"{len(unkeyed)} lookups by id without the account:\n" + "\n".join(unkeyed)
    assert time.perf_counter() - started < 120
