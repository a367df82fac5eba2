"""Load: gunicorn with 2 workers on PostgreSQL, 1,000 demo accounts, driven by locust on loopback.

Usage (PostgreSQL must answer; needs `pip install -r bench/requirements.txt` in .venv):
    .venv/bin/python bench/load.py [--accounts 1000] [--days 30] [--users 50] [--spawn-rate 2]
                                   [--time 120s] [--keep] [--quiet-below 1.5 --quiet-wait 1200]

Steps: (a) create the database (dropped and re-created unless --keep finds it seeded), `db upgrade`,
`demo seed` (timed); (b) `health recompute`; open NPS invitations through `surveys send`;
(c) gunicorn -w 2 on a free loopback port; (d) locust headless in its own process with the
mix of bench/locustfile.py, its figures reset once every user has started (so they describe the
portal at N users, not the ramp, unless --keep-ramp); (e) per route: requests, RPS, median, p95, p99, max, failures,
and the ratios to the floor (GET /healthz under the same load), then PASS/FAIL against the
goal: no failure and every route's p99 under 500 ms at 50 users; (f) stops everything.
With --steps 25,50,100,... (capacity): one run per step, users growing, until a step shows an error
or a p99 at or over 500 ms; it reports the largest step that held, its requests a second of the
realistic mix, and their ratio to the /healthz capacity of the same server (HealthzProbe users
with no pause, run alone for --floor-time).
Rate limits are the production ones (sign-in 20/min per address and 10/min per e-mail, survey
answers 30/min per address), counted in each worker's memory (no Redis); every simulated
person has its own address (X-Forwarded-For through one trusted proxy hop), so no limit trips.
"""
from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
GOAL_P99_MS = 500
FLOOR_ROUTE = "/healthz"
# A fixed key, so the survey link tokens computed here are the ones the served app accepts.
SECRET_KEY = "bench-load-secret-key-not-for-production"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for the record."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def say(message: str) -> None:
    """Print a progress line at once."""
    print(message, flush=True)


def database_url(name: str) -> str:
    """SQLAlchemy URL of the bench database on the bench server."""
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def database_seeded(name: str) -> bool:
    """True when the database exists and holds demo accounts."""
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
    admin.dispose()
    if not exists:
        return False
    engine = create_engine(database_url(name))
    try:
        with engine.connect() as connection:
            return (connection.scalar(text("SELECT COUNT(*) FROM account")) or 0) > 0
    except Exception:  # no schema yet
        return False
    finally:
        engine.dispose()


def recreate_database(name: str) -> None:
    """Drop and create the bench database."""
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def app_environment(url: str) -> dict[str, str]:
    """Environment of every portal process: development mode, the bench database, no Redis, no mail server."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(PORTAL_ENV="development", DATABASE_URL=url, SECRET_KEY=SECRET_KEY, MAIL_SERVER="127.0.0.1",
               MAIL_PORT=str(free_port()), PYTHONPATH=ROOT)
    return env


def flask(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run `flask --app wsgi ARGS`; return its wall time and output; stop the bench when it fails."""
    started = time.perf_counter()
    done = subprocess.run([os.path.join(VENV_BIN, "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_survey_tokens(env: dict[str, str], needed: int) -> list[str]:
    """Link tokens of open invitations; queue more with `surveys send --account` until there are enough."""
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": SECRET_KEY, "PORTAL_ENV": "development"})
    from sqlalchemy import func, select

    from models.accounts import Account, User
    from models.db import Session, utcnow
    from models.surveys import SurveyInvitation
    from portal import create_app
    from surveys.nps.campaigns import token_for

    app = create_app({"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        def open_salts() -> list[str]:
            return list(Session.scalars(select(SurveyInvitation.token_salt).where(
                SurveyInvitation.answered_at.is_(None), SurveyInvitation.expires_at > utcnow())))

        salts = open_salts()
        if len(salts) < needed:
            # The accounts with the most people and no invitation in the last 90 days, biggest first.
            recent = select(SurveyInvitation.account_id).where(SurveyInvitation.sent_at > utcnow() - timedelta(days=90))
            candidates = list(Session.execute(
                select(Account.external_id, func.count(User.id)).join(User, User.account_id == Account.id)
                .where(Account.status == "active", Account.id.not_in(recent))
                .group_by(Account.external_id).order_by(func.count(User.id).desc()).limit(40)))
            Session.rollback()
            for external_id, people in candidates:
                seconds, output = flask(env, "surveys", "send", "--account", external_id)
                say(f"  surveys send --account {external_id} ({people} people): {seconds:.1f} s; "
                    f"{output.strip().splitlines()[0] if output.strip() else ''}")
                salts = open_salts()
                Session.rollback()
                if len(salts) >= needed:
                    break
        return [token_for(salt) for salt in salts]


def wait_until_quiet(threshold: float, max_wait: float) -> None:
    """Poll the 1-minute load average until it is under threshold, at most max_wait seconds."""
    deadline = time.monotonic() + max_wait
    while os.getloadavg()[0] >= threshold and time.monotonic() < deadline:
        say(f"  waiting for a quieter machine: {load_average()}")
        time.sleep(30)


def start_gunicorn(env: dict[str, str], port: int, log_path: str) -> subprocess.Popen:
    """gunicorn -w 2 on loopback; returns once /healthz answers."""
    log = open(log_path, "w")
    server = subprocess.Popen(
        [os.path.join(VENV_BIN, "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60",
         "bench.load_wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 120 s.")


def stop(process: subprocess.Popen) -> None:
    """Stop a process group we started: TERM, then KILL after 20 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def read_stats(prefix: str) -> tuple[list[dict], dict | None, list[dict]]:
    """Per-route rows, the aggregated row and the failures from locust's CSV files."""
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    routes = [row for row in rows if row["Name"] != "Aggregated"]
    total = next((row for row in rows if row["Name"] == "Aggregated"), None)
    with open(f"{prefix}_failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    return routes, total, failures


def report(routes: list[dict], total: dict | None, failures: list[dict], users: int) -> bool:
    """Print the per-route table, the floor and the ratios, and the verdict; True when the goal is met."""
    floor = next((row for row in routes if row["Name"] == FLOOR_ROUTE), None)
    floor_median = float(floor["50%"]) if floor else 0.0
    floor_p99 = float(floor["99%"]) if floor else 0.0

    def ratio(value: float, base: float) -> str:
        return f"{value / base:6.1f}x" if base else "     -"

    header = (f"{'route':<42} {'method':<6} {'reqs':>6} {'rps':>6} {'median':>7} {'p95':>6} {'p99':>6} {'max':>7} "
              f"{'fails':>5} {'med/fl':>7} {'p99/fl':>7}")
    say(header)
    say("-" * len(header))
    for row in sorted(routes, key=lambda r: -float(r["99%"])):
        median, p99 = float(row["50%"]), float(row["99%"])
        say(f"{row['Name'][:42]:<42} {row['Type']:<6} {int(row['Request Count']):>6} {float(row['Requests/s']):>6.2f} "
            f"{median:>7.0f} {float(row['95%']):>6.0f} {p99:>6.0f} {float(row['Max Response Time']):>7.0f} "
            f"{int(row['Failure Count']):>5} {ratio(median, floor_median):>7} {ratio(p99, floor_p99):>7}")
    if total:
        say(f"{'all routes':<42} {'':<6} {int(total['Request Count']):>6} {float(total['Requests/s']):>6.2f} "
            f"{float(total['50%']):>7.0f} {float(total['95%']):>6.0f} {float(total['99%']):>6.0f} "
            f"{float(total['Max Response Time']):>7.0f} {int(total['Failure Count']):>5}")
    say(f"floor: GET {FLOOR_ROUTE} under the same load: median {floor_median:.0f} ms, p99 {floor_p99:.0f} ms "
        "(times in ms; ratios are route / floor)")
    for failure in failures:
        say(f"  failure: {failure['Method']} {failure['Name']}: {failure['Error']} ({failure['Occurrences']}x)")
    errors = int(total["Failure Count"]) if total else sum(int(row["Failure Count"]) for row in routes)
    slow = [row["Name"] for row in routes if float(row["99%"]) >= GOAL_P99_MS]
    passed = errors == 0 and not slow and bool(routes)
    verdict = "PASS" if passed else "FAIL"
    say(f"{verdict}: {errors} errors; routes with p99 >= {GOAL_P99_MS} ms at {users} users: "
        f"{', '.join(slow) if slow else 'none'} (goal: zero errors, every p99 < {GOAL_P99_MS} ms)")
    return passed


# The realistic mix, named: HealthzProbe (no pause) must never join it, and locust reads its fixed_count = 0
# as "weighted like the others", so a run that names no class would include it.
MIX = ("Customer", "Csm", "VendorApp", "SurveyRespondent", "Floor")


def run_locust(env: dict[str, str], port: int, prefix: str, users: int, spawn_rate: int, run_time: str,
               keep_ramp: bool, classes: tuple[str, ...] = MIX) -> tuple[list[dict], dict | None, list[dict]]:
    """One headless locust run against the server; its per-route rows, totals and failures."""
    with open(f"{prefix}.log", "w") as log:
        subprocess.run([os.path.join(VENV_BIN, "locust"), "-f", os.path.join(ROOT, "bench", "locustfile.py"),
                        "--headless", "-u", str(users), "-r", str(spawn_rate), "-t", run_time,
                        "--csv", prefix, "--only-summary", "--host", f"http://127.0.0.1:{port}",
                        "--stop-timeout", "10", *([] if keep_ramp else ["--reset-stats"]), *classes],
                       cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return read_stats(prefix)


def capacity(env: dict[str, str], port: int, out: str, steps: list[int], spawn_rate: int, run_time: str,
             floor_time: str, tokens: list[str]) -> None:
    """Grow the users step by step until p99 passes the goal or errors appear; report the largest step that held.

    Each step answers its own share of the open survey links: a link answered in an earlier step shows the
    "already answered" page, which would count as an error of the step."""
    _, floor_total, _ = run_locust(env, port, os.path.join(out, "floor"), 8, 8, floor_time, False, ("HealthzProbe",))
    floor_rps = float(floor_total["Requests/s"]) if floor_total else 0.0
    say(f"    /healthz capacity (8 users, no pause, {floor_time}): {floor_rps:.1f} req/s ({load_average()})")
    held = None
    say(f"{'users':>6} {'req/s':>7} {'p99 ms':>7} {'errors':>6}  verdict")
    share = len(tokens) // len(steps)
    for index, users in enumerate(steps):
        step_tokens = os.path.join(out, f"survey_tokens_step_{users}.txt")
        with open(step_tokens, "w") as handle:
            handle.write("\n".join(tokens[index * share:(index + 1) * share]))
        routes, total, _ = run_locust({**env, "LOAD_SURVEY_TOKENS": step_tokens}, port, os.path.join(out, f"step-{users}"),
                                      users, spawn_rate, run_time, False)
        errors = int(total["Failure Count"]) if total else 0
        worst = max((float(row["99%"]) for row in routes if row["Name"] != FLOOR_ROUTE), default=0.0)
        rps = float(total["Requests/s"]) if total else 0.0
        ok = errors == 0 and worst < GOAL_P99_MS and bool(routes)
        say(f"{users:>6} {rps:>7.1f} {worst:>7.0f} {errors:>6}  {'holds' if ok else 'fails'} ({load_average()})")
        if not ok:
            break
        held = (users, rps)
    if held is None:
        say("CAPACITY: no step held (zero errors and every p99 under 500 ms)")
        return
    ratio = held[1] / floor_rps if floor_rps else 0.0
    say(f"CAPACITY: {held[0]} users held: {held[1]:.1f} req/s of the realistic mix, {ratio:.2f} of the "
        f"/healthz capacity ({floor_rps:.1f} req/s) of the same server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="bench_load")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30, help="days of demo history (seeding time grows with it)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=2, help="users started a second; a faster ramp measures its own backlog")
    parser.add_argument("--time", default="120s", help="locust run time, ramp included (figures start after it), e.g. 120s or 3m")
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database when there is one")
    parser.add_argument("--quiet-below", type=float, default=0.0,
                        help="before the run, wait until the 1-minute load average is under this")
    parser.add_argument("--quiet-wait", type=float, default=1200, help="longest wait for --quiet-below, in seconds")
    parser.add_argument("--keep-ramp", action="store_true",
                        help="count the ramp-up too (by default the figures start once all users run: 'at N users')")
    parser.add_argument("--steps", default="", help="capacity: comma-separated user counts, run in turn, e.g. 25,50,100,150")
    parser.add_argument("--floor-time", default="30s", help="with --steps: how long the /healthz capacity run lasts")
    parser.add_argument("--out", default=None, help="folder for locust's CSV files and the logs (default: a temporary one)")
    args = parser.parse_args()

    out = args.out or tempfile.mkdtemp(prefix="bench-load-")
    os.makedirs(out, exist_ok=True)
    url = database_url(args.database)
    env = app_environment(url)
    say(f"start: {load_average()}")

    if args.keep and database_seeded(args.database):
        say(f"(a) reusing the seeded database {args.database}")
    else:
        recreate_database(args.database)
        seconds, _ = flask(env, "db", "upgrade")
        say(f"(a) db upgrade: {seconds:.1f} s")
        seconds, output = flask(env, "demo", "seed", "--accounts", str(args.accounts), "--days", str(args.days))
        say(f"    demo seed --accounts {args.accounts} --days {args.days}: {seconds:.1f} s ({load_average()})")
    seconds, output = flask(env, "health", "recompute")
    say(f"(b) health recompute: {seconds:.1f} s; {output.strip().splitlines()[-1] if output.strip() else ''}")

    steps = [int(n) for n in args.steps.split(",")] if args.steps else []
    per_run = 300 + 10 * run_seconds(args.time)
    tokens = open_survey_tokens(env, needed=per_run * max(1, len(steps)))
    tokens_path = os.path.join(out, "survey_tokens.txt")
    with open(tokens_path, "w") as handle:
        handle.write("\n".join(tokens))
    _, token_output = flask(env, "tokens", "create", "--email", "admin@demo.example", "--name", "load bench")
    api_token = token_output.strip().splitlines()[-1]
    say(f"    {len(tokens)} open survey links, an admin API token")

    port = free_port()
    server = start_gunicorn(env, port, os.path.join(out, "gunicorn.log"))
    say(f"(c) gunicorn -w 2 on 127.0.0.1:{port} (bench.load_wsgi:app, PORTAL_ENV=development, no Redis)")
    try:
        if args.quiet_below:
            wait_until_quiet(args.quiet_below, args.quiet_wait)
        prefix = os.path.join(out, "locust")
        locust_env = {**env, "LOAD_ACCOUNTS": str(args.accounts), "LOAD_API_TOKEN": api_token,
                      "LOAD_SURVEY_TOKENS": tokens_path, "LOAD_PASSWORD": "demo-portal-2026"}
        if steps:
            capacity(locust_env, port, out, steps, args.spawn_rate, args.time, args.floor_time, tokens)
            return
        before = load_average()
        say(f"(d) locust --headless -u {args.users} -r {args.spawn_rate} -t {args.time}; before: {before}")
        routes, total, failures = run_locust(locust_env, port, prefix, args.users, args.spawn_rate, args.time,
                                             args.keep_ramp)
        after = load_average()
        say(f"    after: {after}")
    finally:
        stop(server)
        say("(f) gunicorn stopped")
    say(f"(e) results (CSV and logs in {out}); {before} before, {after} after")
    passed = report(routes, total, failures, args.users)
    sys.exit(0 if passed else 1)


def run_seconds(value: str) -> int:
    """Seconds of a locust run time like 60s, 3m or 1h."""
    units = {"s": 1, "m": 60, "h": 3600}
    value = value.strip()
    return int(float(value[:-1]) * units[value[-1]]) if value[-1] in units else int(value)


if __name__ == "__main__":
    main()
