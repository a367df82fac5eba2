"""Differential tests: on random data, every figure the contract defines equals what an independent oracle
(tests/contract/oracle.py, written from CONTRACT.md's words) computes from the same input.

The portal is driven only through its outside doors: the CLI commands of the contract, the JSON API with a
token from `tokens create`, and the usage CSV page after signing in. Each test runs with fixed seeds, so a
failure names the seed that reproduces it.
"""
from __future__ import annotations

import csv
import math
import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from tests.contract import oracle
from tests.contract.outside import Outside

ADMIN = "judge@vendor.test"
OFFSETS = [timezone.utc, timezone(timedelta(hours=-11)), timezone(timedelta(hours=-8)),
           timezone(timedelta(hours=-3, minutes=-30)), timezone(timedelta(hours=5, minutes=30)),
           timezone(timedelta(hours=9)), timezone(timedelta(hours=14))]


@pytest.fixture
def outside(app) -> Outside:
    """The portal's outside doors, with an admin created by `users create`."""
    doors = Outside(app)
    doors.user(ADMIN, "admin")
    return doors


def _day(first: date, last: date, rng: random.Random) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _render(moment: datetime, rng: random.Random) -> str:
    """The moment in ISO 8601 at a random UTC offset (the UTC day often differs from the local one)."""
    text = moment.astimezone(rng.choice(OFFSETS)).isoformat()
    return text.replace("+00:00", "Z") if rng.random() < 0.5 else text


def _moment(first: date, last: date, rng: random.Random) -> datetime:
    """A random moment in [first 00:00Z, last 23:59:59.999999Z]; often exactly on a UTC day's edge."""
    day = datetime.combine(_day(first, last, rng), time.min, timezone.utc)
    edge = rng.random()
    if edge < 0.12:
        return day
    if edge < 0.20:
        return day + timedelta(hours=23, minutes=59, seconds=59)
    if edge < 0.24:
        return day + timedelta(hours=23, minutes=59, seconds=59, microseconds=999999)
    return day + timedelta(seconds=rng.randint(0, 86399), microseconds=rng.choice((0, rng.randint(0, 999999))))


def _periods(rng: random.Random, first: date, last: date, pinned: list[date], n: int) -> list[tuple[date, date]]:
    """n random inclusive periods in [first, last], plus one-day periods and periods starting or ending on
    each pinned day (a since day, a churn day, a day with answers on its edges)."""
    periods = []
    for _ in range(n):
        a, b = sorted((_day(first, last, rng), _day(first, last, rng)))
        periods.append((a, b))
    for day in pinned:
        periods += [(day, day), (day, _day(day, last, rng) if day <= last else day),
                    (_day(first, day, rng) if day >= first else day, day)]
    return periods


# --- Revenue -------------------------------------------------------------------------------------------

BOOK_FIRST, BOOK_LAST = date(2024, 1, 1), date(2026, 9, 30)


def _amount(rng: random.Random) -> Decimal:
    kind = rng.random()
    if kind < 0.05:
        return Decimal(0)
    if kind < 0.5:
        return Decimal(rng.randint(1, 200) * 500)
    return Decimal(rng.randint(100, 25_000_000)) / 100


def _record_book(outside: Outside, rng: random.Random, csms: list[str | None], n: int) -> list[oracle.Book]:
    """n random accounts recorded with `accounts create`, `accounts arr` (in random order, same-day changes
    included, sometimes after the churn was recorded) and `accounts churn`; the oracle's copy of what was
    recorded. The last account is created without --since (a customer from today), the one before it
    becomes a customer in a few weeks; some churn on their customer-since day (never active)."""
    books = []
    today = datetime.now(timezone.utc).date()
    for k in range(n):
        ext = f"R{k}"
        since = {n - 1: today, n - 2: today + timedelta(days=rng.randint(1, 40))}.get(
            k, _day(BOOK_FIRST, BOOK_LAST - timedelta(days=30), rng))
        churn = None
        if since < BOOK_LAST and rng.random() < 0.4:
            churn = since if rng.random() < 0.1 else _day(since + timedelta(days=1), BOOK_LAST, rng)
        last_change = churn - timedelta(days=1) if churn else max(since, BOOK_LAST)
        book = oracle.Book(ext, since, {since: _amount(rng)}, None, rng.choice(csms))
        outside.cli("accounts", "create", "--name", f"Revenue {k}", "--external-id", ext,
                    "--arr", str(book.arr_by_day[since]), "--seats", "10",
                    *(["--since", since.isoformat()] if since != today else []),
                    *(["--csm", book.csm] if book.csm else []))
        changes = [(_day(since, last_change, rng), _amount(rng)) for _ in range(rng.randint(0, 3))] if last_change >= since else []
        if last_change >= since and rng.random() < 0.2:
            changes.append((since, _amount(rng)))  # replaces the ARR given at creation
        if changes and rng.random() < 0.4:
            changes.append((changes[0][0], _amount(rng)))  # a second change that day replaces the first
        churn_first = churn is not None and rng.random() < 0.5
        if churn_first:
            outside.cli("accounts", "churn", "--external-id", ext, "--date", churn.isoformat())
        for effective, arr in changes:
            outside.cli("accounts", "arr", "--external-id", ext, "--arr", str(arr), "--effective", effective.isoformat())
            book.arr_by_day[effective] = arr
        if churn and not churn_first:
            outside.cli("accounts", "churn", "--external-id", ext, "--date", churn.isoformat())
        book.churned_on = churn
        books.append(book)
    return books


def _assert_revenue(answer: dict, expected: dict, context: str) -> None:
    for name in ("arr_start", "arr_end", "new_arr", "expansion_arr", "contraction_arr", "churned_arr"):
        assert isinstance(answer[name], (int, float)), f"{context}: {name} is not a JSON number"
        assert answer[name] == pytest.approx(float(expected[name]), abs=0.005), f"{context}: {name}"
    for name in ("accounts_start", "accounts_churned"):
        assert answer[name] == expected[name], f"{context}: {name}"
    for name in ("nrr", "grr", "logo_churn"):
        if expected[name] is None:
            assert answer[name] is None, f"{context}: {name} should be null, got {answer[name]}"
        else:
            assert answer[name] == pytest.approx(float(expected[name]), rel=1e-9, abs=1e-12), f"{context}: {name}"


@pytest.mark.parametrize("seed", [3, 17, 2026])
def test_revenue_equals_the_oracle_for_admin_and_csm(outside, seed):
    """Every field of /metrics/revenue, for the admin (every account) and each CSM (their accounts only),
    over random periods and periods pinned to since, change and churn days."""
    rng = random.Random(seed)
    csms = [outside.user(f"csm{n}@vendor.test", "csm") for n in range(2)]
    books = _record_book(outside, rng, [*csms, None], rng.randint(8, 12))
    pinned = rng.sample([b.since for b in books], 3) + rng.sample([day for b in books for day in b.arr_by_day], 2)
    pinned += [b.churned_on for b in books if b.churned_on][:3]
    periods = _periods(rng, BOOK_FIRST - timedelta(days=40), BOOK_LAST + timedelta(days=40), pinned, 10)
    periods.append((BOOK_FIRST - timedelta(days=90), BOOK_FIRST - timedelta(days=1)))  # before any account
    today = datetime.now(timezone.utc).date()
    periods += [(BOOK_LAST, today), (today, today), (today - timedelta(days=1), today + timedelta(days=30)),
                (today + timedelta(days=5), today + timedelta(days=60))]
    for start, end in periods:
        query = {"start": start.isoformat(), "end": end.isoformat()}
        for reader, scope in [(ADMIN, books), *[(csm, [b for b in books if b.csm == csm]) for csm in csms]]:
            _assert_revenue(outside.get(reader, "/api/v1/metrics/revenue", **query),
                            oracle.revenue(scope, start, end), f"seed {seed}, {reader}, {start}..{end}")


# --- NPS -----------------------------------------------------------------------------------------------

NPS_FIRST, NPS_LAST = date(2026, 3, 1), date(2026, 4, 30)


def _random_responses(rng: random.Random, account: str, n: int) -> list[dict]:
    """n responses of a dozen respondents (e-mails and vendor ids), no respondent twice at one moment."""
    respondents = [f"p{k}@customer.test" for k in range(6)] + [f"vendor-{k}" for k in range(6)]
    taken: set = set()
    responses = []
    while len(responses) < n:
        respondent, moment = rng.choice(respondents), _moment(NPS_FIRST, NPS_LAST, rng)
        if (respondent, moment) in taken:
            continue
        taken.add((respondent, moment))
        responses.append({"id": f"r{len(responses)}", "account": account, "respondent": respondent,
                          "score": rng.randint(0, 10), "moment": moment})
    return responses


def _sent(response: dict, rng: random.Random) -> dict:
    return {"id": response["id"], "account": response["account"], "respondent": response["respondent"],
            "score": response["score"], "ts": _render(response["moment"], rng)}


def _assert_nps(answer: dict, expected: dict, context: str) -> None:
    for name in ("responses", "promoters", "passives", "detractors"):
        assert answer[name] == expected[name], f"{context}: {name} {answer} != {expected}"
    for name in ("nps", "margin_of_error"):
        if expected[name] is None:
            assert answer[name] is None, f"{context}: {name} should be null, got {answer[name]}"
        else:
            assert answer[name] == pytest.approx(expected[name], abs=1e-9), f"{context}: {name}"


@pytest.mark.parametrize("seed", [5, 41, 977])
def test_nps_equals_the_oracle(outside, seed):
    """nps, counts and margin of /accounts/{ext}/nps over random periods, counting each respondent's latest
    answer in the period; answers on the edges of UTC days, sent at other offsets; resent ids change nothing."""
    rng = random.Random(seed)
    csm = outside.user("csm@vendor.test", "csm")
    for ext in ("NA", "NB"):
        outside.cli("accounts", "create", "--name", ext, "--external-id", ext, "--arr", "1000", "--seats", "5",
                    "--since", "2026-01-01", "--csm", csm)
    readers = {"NA": [ADMIN, csm, outside.user("reader@na.test", "customer", account="NA")], "NB": [ADMIN, csm]}
    stored = {"NA": _random_responses(rng, "NA", 70), "NB": _random_responses(rng, "NB", 25)}
    batches = [[], [], []]
    for response in stored["NA"] + stored["NB"]:
        rng.choice(batches).append(response)
    sent_ids: set = set()
    for batch in batches:
        # The same id for the same account again, with another answer: a duplicate that changes nothing.
        resent = [dict(r, score=rng.randint(0, 10), moment=_moment(NPS_FIRST, NPS_LAST, rng))
                  for r in rng.sample(stored["NA"], 4) if (r["account"], r["id"]) in sent_ids]
        body = [_sent(r, rng) for r in rng.sample(batch + resent, len(batch) + len(resent))]
        if batch:  # and once within the batch, after its first sending
            first = rng.randrange(len(body))
            again = dict(body[first], score=rng.randint(0, 10), ts=_render(_moment(NPS_FIRST, NPS_LAST, rng), rng))
            body.insert(rng.randint(first + 1, len(body)), again)
            resent.append(again)
        answer = outside.post(ADMIN, "/api/v1/survey-responses", {"responses": body})
        assert answer == {"accepted": len(batch), "duplicates": len(resent)}, f"seed {seed}"
        sent_ids |= {(r["account"], r["id"]) for r in batch}
    pinned = [oracle.utc_day(r["moment"]) for r in rng.sample(stored["NA"], 6)]
    periods = _periods(rng, NPS_FIRST - timedelta(days=5), NPS_LAST + timedelta(days=5), pinned, 14)
    periods.append((NPS_FIRST - timedelta(days=30), NPS_FIRST - timedelta(days=1)))  # nobody answered: nulls
    for start, end in periods:
        for ext in ("NA", "NB"):
            expected = oracle.nps(stored[ext], start, end)
            for reader in readers[ext]:  # the account's figure, whoever may read it
                answer = outside.get(reader, f"/api/v1/accounts/{ext}/nps", start=start.isoformat(), end=end.isoformat())
                _assert_nps(answer, expected, f"seed {seed}, {ext} read by {reader}, {start}..{end}")


# --- Usage ---------------------------------------------------------------------------------------------

# Five months over a year ago (so March and April may be pruned), long enough for periods of many weeks.
USAGE_SINCE, USAGE_LAST = date(2025, 3, 1), date(2025, 7, 31)
PRUNE_BEFORE = date(2025, 5, 1)
FEATURES = ("dashboards", "exports", "Exports", "alerts", "sso")  # keys that differ in case are other features
TYPES = ("login", "page_view", "feature_used", "report_run")


def _random_event(rng: random.Random, account: str, client_id: str) -> dict:
    kind = rng.choice(TYPES)
    # Vendor ids are the vendor's keys: "U1" is not "u1".
    user = rng.choice([f"u{k}" for k in range(8)] + ["U1"] + [f"person{k}@{account.lower()}.test" for k in range(2)])
    return {"id": client_id, "account": account, "user": user, "type": kind,
            "feature": rng.choice(FEATURES) if kind == "feature_used" else None,
            "moment": _moment(USAGE_SINCE, USAGE_LAST, rng)}


def _event_sent(event: dict, rng: random.Random) -> dict:
    """The event as the API takes it; `feature` is optional but for feature_used, so other types sometimes
    carry one (or an explicit null), which counts for no feature."""
    sent = {"id": event["id"], "account": event["account"], "user": event["user"], "type": event["type"],
            "ts": _render(event["moment"], rng)}
    if event["feature"]:
        sent["feature"] = event["feature"]
    elif rng.random() < 0.1:
        sent["feature"] = rng.choice((None, *FEATURES))
    return sent


def _import_csv(outside: Outside, events: list[dict], path, rng: random.Random) -> None:
    """`events import FILE.csv` with the API's columns."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "account", "user", "type", "feature", "ts"])
        for event in events:
            sent = _event_sent(event, rng)
            writer.writerow([sent["id"], sent["account"], sent["user"], sent["type"], sent.get("feature") or "", sent["ts"]])
    outside.cli("events", "import", str(path))


def _post_events(outside: Outside, rng: random.Random, seed: int, csv_path) -> dict[str, list[dict]]:
    """Random events of two accounts (the same ids and user keys in both) in four batches, one of them through
    `events import`, with ids resent in later batches and within a batch, each time with another moment, type
    or user; what the store holds (the first event sent with an id)."""
    stored: dict[tuple[str, str], dict] = {}
    by_csv = rng.randrange(4)
    for number in range(4):
        batch = []
        for _ in range(rng.randint(100, 200)):
            account = rng.choice(("UA", "UA", "UB"))
            if stored and rng.random() < 0.12:
                account, client_id = rng.choice(list(stored))  # an id sent before
            else:
                client_id = f"e{rng.randint(0, 400)}"
            batch.append(_random_event(rng, account, client_id))
        for event in rng.sample(batch, 5):
            batch.insert(rng.randint(batch.index(event) + 1, len(batch)), _random_event(rng, event["account"], event["id"]))
        fresh = {}
        for event in batch:  # the first of an id in a batch is stored; later ones are duplicates
            key = (event["account"], event["id"])
            if key not in stored and key not in fresh:
                fresh[key] = event
        if number == by_csv:
            _import_csv(outside, batch, csv_path, rng)
        else:
            answer = outside.post(ADMIN, "/api/v1/events", {"events": [_event_sent(e, rng) for e in batch]})
            assert answer == {"accepted": len(fresh), "duplicates": len(batch) - len(fresh)}, f"seed {seed}, batch {number}"
        stored.update(fresh)
    return {ext: [e for (account, _), e in stored.items() if account == ext] for ext in ("UA", "UB")}


def _assert_usage(answer: dict, expected: dict, context: str) -> None:
    assert answer["days"] == expected["days"], context
    features = {f["feature"]: {"users": f["users"], "events": f["events"]} for f in answer["features"]}
    assert len(features) == len(answer["features"]), f"{context}: a feature listed twice"
    assert features == expected["features"], context


@pytest.mark.parametrize("seed", [11, 404, 8128])
def test_usage_and_its_csv_equal_the_oracle_before_and_after_a_prune(outside, seed, tmp_path):
    """Each day's active users, logins and events and each feature's distinct users and events over random
    periods, from /accounts/{ext}/usage and the days of /accounts/<ext>/usage.csv; the same again after
    `events prune` dropped March and April's raw events ("every figure shown stays the same")."""
    rng = random.Random(seed)
    for ext in ("UA", "UB"):
        outside.cli("accounts", "create", "--name", ext, "--external-id", ext, "--arr", "1000", "--seats", "5",
                    "--since", USAGE_SINCE.isoformat())
    reader = outside.user("reader@ua.test", "customer", account="UA")
    stored = _post_events(outside, rng, seed, tmp_path / "events.csv")
    pinned = [USAGE_SINCE, PRUNE_BEFORE, USAGE_LAST] + [oracle.utc_day(e["moment"]) for e in rng.sample(stored["UA"], 3)]
    periods = _periods(rng, USAGE_SINCE - timedelta(days=6), USAGE_LAST + timedelta(days=3), pinned, 8)
    for pruned in (False, True):
        if pruned:
            outside.cli("events", "prune", "--before", PRUNE_BEFORE.isoformat())
        for start, end in periods:
            query = {"start": start.isoformat(), "end": end.isoformat()}
            for ext in ("UA", "UB"):
                expected = oracle.usage(stored[ext], start, end)
                context = f"seed {seed}, {ext}, {start}..{end}, {'after' if pruned else 'before'} the prune"
                _assert_usage(outside.get(ADMIN, f"/api/v1/accounts/{ext}/usage", **query), expected, context)
            _assert_usage(outside.get(reader, "/api/v1/accounts/UA/usage", **query), oracle.usage(stored["UA"], start, end),
                          f"seed {seed}, UA read by its customer, {start}..{end}")
        for start, end in periods[:4]:
            rows = outside.page_csv(reader, "/accounts/UA/usage.csv", start=start.isoformat(), end=end.isoformat())
            expected = oracle.usage(stored["UA"], start, end)["days"]
            assert rows[0] == ["date", "active_users", "logins", "events"]
            assert rows[1:] == [[d["date"], str(d["active_users"]), str(d["logins"]), str(d["events"])]
                                for d in expected], f"seed {seed}, usage.csv {start}..{end}, pruned {pruned}"


# --- Health --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [7, 99])
def test_health_after_recompute_keeps_the_contract_invariants(outside, seed):
    """After `health recompute`, every account's health has a score 0..100, a band red/yellow/green, and
    components whose contributions add up to the score (within 0.5), each with a sentence."""
    rng = random.Random(seed)
    today = datetime.now(timezone.utc).date()
    accounts = [f"H{k}" for k in range(5)]
    events, responses = [], []
    for k, ext in enumerate(accounts):
        since = today - timedelta(days=rng.choice((3, 20, 90, 200)))
        outside.cli("accounts", "create", "--name", ext, "--external-id", ext, "--arr", str(rng.randint(1, 90) * 1000),
                    "--seats", str(rng.randint(1, 40)), "--since", since.isoformat())
        if k == 0:
            continue  # an account with nothing at all
        users = rng.randint(1, 12)
        for n in range(rng.randint(0, 300)):
            kind = rng.choice(TYPES)
            moment = datetime.combine(_day(since, today - timedelta(days=1), rng), time(12), timezone.utc)
            events.append({"id": f"h{n}", "account": ext, "user": f"u{rng.randint(1, users)}", "type": kind,
                           "ts": _render(moment + timedelta(minutes=rng.randint(-600, 600)), rng),
                           **({"feature": rng.choice(FEATURES)} if kind == "feature_used" else {})})
        for n in range(rng.randint(0, 8)):
            moment = datetime.combine(_day(since, today - timedelta(days=1), rng), time(9), timezone.utc)
            responses.append({"id": f"s{n}", "account": ext, "respondent": f"r{n}@{ext.lower()}.test",
                              "score": rng.randint(0, 10), "ts": moment.isoformat()})
    if events:
        outside.post(ADMIN, "/api/v1/events", {"events": events})
    if responses:
        outside.post(ADMIN, "/api/v1/survey-responses", {"responses": responses})
    outside.cli("health", "recompute")
    outside.cli("health", "recompute", "--as-of", (today - timedelta(days=1)).isoformat())  # an older day: not the latest
    for ext in accounts:
        health = outside.get(ADMIN, f"/api/v1/accounts/{ext}/health")
        context = f"seed {seed}, {ext}: {health}"
        assert isinstance(health["score"], (int, float)) and 0 <= health["score"] <= 100, context
        assert health["band"] in ("red", "yellow", "green"), context
        assert health["as_of"] == today.isoformat(), context  # the latest stored health day
        assert health["components"], context
        total = sum(component["contribution"] for component in health["components"])
        assert math.isclose(total, health["score"], abs_tol=0.5), context
        for component in health["components"]:
            assert 0 <= component["score"] <= 100, context
            assert isinstance(component["explanation"], str) and len(component["explanation"].split()) >= 3, context
