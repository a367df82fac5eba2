"""Storing raw events and keeping the daily rollups in step, set-based, on SQLite and PostgreSQL.

The rows go into a per-connection staging table (COPY on PostgreSQL). Their client ids go into
usage_event_key with ON CONFLICT DO NOTHING RETURNING: what comes back is new, the rest are
duplicates. On PostgreSQL one statement does all of it (see _PG_STORE): the new events are inserted
(into their monthly partition) and the rollups are upserted from what was returned. On SQLite the
new events are written from Python and copied into usage_fresh; the rollups are upserted from it,
and the touched account-days and feature-days are recomputed from the per-user rows, so a
distinct-user count is never added up twice. Both paths also OR the new user-days into the span rollups
(one bit a day per person and 378-day span), from which any period's distinct users are counted.
"""
from __future__ import annotations

from datetime import date, timedelta, timezone

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, bindparam, insert, select, text, update
from sqlalchemy import bindparam as _bind

from analytics.usage.partitions import ensure_partitions, pruned_before
from models.accounts import Account
from models.usage import SPAN_DAYS, SPAN_WORDS, WORD_DAYS, UsageEvent
from models.db import Session, is_postgres, utcnow

_scratch = MetaData()

# SQLite's per-connection temporary tables; not part of the schema the migrations build.
staging = Table(
    "usage_staging", _scratch,
    Column("seq", Integer),  # position in the batch: the first of two equal ids wins
    Column("account_id", Integer),
    Column("client_id", String(200)),
    Column("user_id", Integer),
    Column("type", String(20)),
    Column("feature", String(200)),
    Column("ts", DateTime(timezone=True)),
)
fresh = Table(
    "usage_fresh", _scratch,
    Column("account_id", Integer),
    Column("user_id", Integer),
    Column("type", String(20)),
    Column("feature", String(200)),
    Column("day", Date),
)

_SQLITE_SCRATCH = (
    "CREATE TEMP TABLE IF NOT EXISTS usage_staging (seq INTEGER, account_id INTEGER, client_id VARCHAR(200), "
    "user_id INTEGER, type VARCHAR(20), feature VARCHAR(200), ts DATETIME)",
    "CREATE TEMP TABLE IF NOT EXISTS usage_fresh (account_id INTEGER, user_id INTEGER, type VARCHAR(20), "
    "feature VARCHAR(200), day DATE)",
    "DELETE FROM usage_staging",
    "DELETE FROM usage_fresh",
)

# What each rollup holds, written once: every statement below (the PostgreSQL batch statement, the
# SQLite batch statements and the rebuild from raw events) is generated from these definitions.
# Per user and day, from raw events (source columns: account_id, user_id, type, feature, day):
USER_DAY_MEASURES = (
    ("events", "COUNT(*)"),
    ("logins", "SUM(CASE WHEN type = 'login' THEN 1 ELSE 0 END)"),
    ("page_views", "SUM(CASE WHEN type = 'page_view' THEN 1 ELSE 0 END)"),
    ("feature_events", "SUM(CASE WHEN type = 'feature_used' THEN 1 ELSE 0 END)"),
    ("reports_run", "SUM(CASE WHEN type = 'report_run' THEN 1 ELSE 0 END)"),
)
# Per account and day, from the per-user rows: active users, then the sums of these user-day columns.
ACCOUNT_DAY_SUMS = ("logins", "events", "reports_run")
USER_KEY = "account_id, user_id, day"
USER_FEATURE_KEY = "account_id, user_id, feature, day"


def _user_day_select(source: str) -> str:
    columns = ", ".join(f"{sql} AS {name}" for name, sql in USER_DAY_MEASURES)
    return f"SELECT account_id, user_id, day, {columns} FROM {source} GROUP BY {USER_KEY}"


def _user_feature_day_select(source: str) -> str:
    return (f"SELECT account_id, user_id, feature, day, COUNT(*) AS events FROM {source} "
            f"WHERE type = 'feature_used' GROUP BY {USER_FEATURE_KEY}")


def _add_on_conflict(table: str, key: str, columns: list[str]) -> str:
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    return f"ON CONFLICT ({key}) DO UPDATE SET {updates}"


_USER_DAY_COLUMNS = [name for name, _ in USER_DAY_MEASURES]
_USER_DAY_INSERT = f"INSERT INTO usage_user_day ({USER_KEY}, {', '.join(_USER_DAY_COLUMNS)})"
_USER_FEATURE_DAY_INSERT = f"INSERT INTO usage_user_feature_day ({USER_FEATURE_KEY}, events)"
_ACCOUNT_DAY_INSERT = f"INSERT INTO usage_account_day (account_id, day, active_users, {', '.join(ACCOUNT_DAY_SUMS)})"
_FEATURE_DAY_INSERT = "INSERT INTO usage_feature_day (account_id, day, feature, users, events)"


def rollup_statements(source: str) -> tuple[str, ...]:
    """The statements that add the events of `source` (a table or subquery of account_id, user_id, type,
    feature, day) to the per-user rollups, then recount the touched account-days and feature-days from them.

    "WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as a join constraint.
    """
    sums = ", ".join(f"SUM(u.{c})" for c in ACCOUNT_DAY_SUMS)
    replace = ", ".join(f"{c} = excluded.{c}" for c in ("active_users", *ACCOUNT_DAY_SUMS))
    return (
        f"{_USER_DAY_INSERT} SELECT * FROM ({_user_day_select(source)}) per_user WHERE 1 = 1 "
        + _add_on_conflict("usage_user_day", USER_KEY, _USER_DAY_COLUMNS),
        f"{_USER_FEATURE_DAY_INSERT} SELECT * FROM ({_user_feature_day_select(source)}) per_user WHERE 1 = 1 "
        + _add_on_conflict("usage_user_feature_day", USER_FEATURE_KEY, ["events"]),
        f"""{_FEATURE_DAY_INSERT}
        SELECT u.account_id, u.day, u.feature, COUNT(*), SUM(u.events) FROM usage_user_feature_day u
        JOIN (SELECT DISTINCT account_id, day, feature FROM {source} WHERE type = 'feature_used') touched
          ON touched.account_id = u.account_id AND touched.day = u.day AND touched.feature = u.feature
        WHERE 1 = 1 GROUP BY u.account_id, u.day, u.feature
        ON CONFLICT (account_id, day, feature) DO UPDATE SET users = excluded.users, events = excluded.events""",
        f"""{_ACCOUNT_DAY_INSERT}
        SELECT u.account_id, u.day, COUNT(*), {sums} FROM usage_user_day u
        JOIN (SELECT DISTINCT account_id, day FROM {source}) touched
          ON touched.account_id = u.account_id AND touched.day = u.day
        WHERE 1 = 1 GROUP BY u.account_id, u.day
        ON CONFLICT (account_id, day) DO UPDATE SET {replace}""",
    )


# Per account, user (and feature) and 378-day span, from distinct user-days: the active days as bits
# (see models.usage.UsageUserSpan). A bit once set stays set, so an upsert ORs the new days in: exact in any
# order and under concurrent batches, and a day sent twice sets nothing new.
USER_SPAN_KEY = "account_id, span, user_id"
USER_FEATURE_SPAN_KEY = "account_id, span, feature, user_id"
SPAN_WORD_COLUMNS = tuple(f"d{k}" for k in range(SPAN_WORDS))


def day_number_sql(column: str, postgres: bool) -> str:
    """Whole days from SPAN_EPOCH (0001-01-01) to a date column, in SQL (julianday('0001-01-01') is 1721425.5)."""
    return f"({column} - DATE '0001-01-01')" if postgres else f"CAST(julianday({column}) - 1721425.5 AS INTEGER)"


def _span_upsert(table: str, key: str, days: str, postgres: bool, alias: str | None = None) -> str:
    """INSERT ... ON CONFLICT that ORs the days of `days` (distinct rows of the key's columns but span, and day)
    into `table`. The per-row bits are summed, which is their OR because the days of a key are distinct."""
    number = day_number_sql("day", postgres)
    others = [column.strip() for column in key.split(",") if column.strip() != "span"]
    words = ", ".join(f"CASE WHEN n % {SPAN_DAYS} / {WORD_DAYS} = {k} THEN CAST(1 AS BIGINT) << (n % {WORD_DAYS}) "
                      f"ELSE 0 END AS w{k}" for k in range(SPAN_WORDS))
    sums = ", ".join(f"CAST(SUM(w{k}) AS BIGINT)" for k in range(SPAN_WORDS))
    target = f"{table} AS {alias}" if alias else table
    updates = ", ".join(f"{c} = {alias or table}.{c} | excluded.{c}" for c in SPAN_WORD_COLUMNS)
    return (f"INSERT INTO {target} ({key}, {', '.join(SPAN_WORD_COLUMNS)}) "
            f"SELECT {key}, {sums} FROM (SELECT {', '.join(others)}, n / {SPAN_DAYS} AS span, {words} "
            f"FROM (SELECT {', '.join(others)}, {number} AS n FROM {days} days) numbered) bits "
            f"WHERE 1 = 1 GROUP BY {key} ORDER BY {key} "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def span_statements(user_days: str, user_feature_days: str, postgres: bool,
                    alias: str | None = None) -> tuple[str, str]:
    """The upserts that add the days of `user_days` (distinct account_id, user_id, day) and of `user_feature_days`
    (distinct account_id, user_id, feature, day) to the user spans and the user-feature spans."""
    return (_span_upsert("usage_user_span", USER_SPAN_KEY, user_days, postgres, alias),
            _span_upsert("usage_user_feature_span", USER_FEATURE_SPAN_KEY, user_feature_days, postgres, alias))


def _week_of(number: str, postgres: bool) -> str:
    """SQL columns locating the week of a day (its `day` column and day number `number`) in the spans: its span,
    word and the shift of its 7 bits in the word (spans and words hold whole weeks), and its Monday."""
    monday = f"day - {number} % 7" if postgres else f"date(day, '-' || ({number} % 7) || ' days')"
    return (f"{number} / {SPAN_DAYS} AS span, {number} % {SPAN_DAYS} / {WORD_DAYS} AS word, "
            f"{number} % {WORD_DAYS} / 7 * 7 AS shift, {monday} AS week_start")


def _week_bits(span_row: str, week: str) -> str:
    """SQL: the 7 bits of a week (a row with word and shift) in a span row."""
    word = " ".join(f"WHEN {k} THEN {span_row}.d{k}" for k in range(SPAN_WORDS))
    return f"((CASE {week}.word {word} END) >> {week}.shift) & 127"


def week_recount(days: str, postgres: bool) -> str:
    """The upsert that recounts, from the user spans, the distinct users of every account-week holding a day of
    `days` (account_id, day): what SQLite batches, rebuilds and the migration do (PostgreSQL batches add deltas)."""
    weeks = f"SELECT DISTINCT account_id, {_week_of(day_number_sql('day', postgres), postgres)} FROM {days} days"
    return (f"{_ACCOUNT_WEEK_INSERT} SELECT w.account_id, w.week_start, COUNT(*) FROM ({weeks}) w "
            f"JOIN usage_user_span s ON s.account_id = w.account_id AND s.span = w.span "
            f"WHERE {_week_bits('s', 'w')} <> 0 GROUP BY w.account_id, w.week_start "
            f"ON CONFLICT (account_id, week_start) DO UPDATE SET active_users = excluded.active_users")


_ACCOUNT_WEEK_INSERT = "INSERT INTO usage_account_week (account_id, week_start, active_users)"


def _distinct_days(source: str) -> tuple[str, str]:
    """The distinct user-days and user-feature-days of a source of raw event columns, as subqueries."""
    return (f"(SELECT DISTINCT account_id, user_id, day FROM {source})",
            f"(SELECT DISTINCT account_id, user_id, feature, day FROM {source} WHERE type = 'feature_used')")


# PostgreSQL: the batch is copied into usage_staging (COPY costs less than binding 10,000-element arrays),
# then one statement does the rest, built from the same definitions. The staged rows hold each (account, id)
# once (store_items drops repeats within a batch), so the new events are the staged rows whose key the key
# insert returned: a hash join, no sort. The events newly stored flow through RETURNING into the per-user
# upserts, and those tell, by their returned totals, which user-days and user-feature-days are new: a row
# whose total equals this batch's count did not exist before (every stored row counts at least one event).
# The batch's counts and the returned totals meet in one aggregate over both (UNION ALL, then GROUP BY), not
# in a join: the planner cannot estimate these CTEs (it guessed 1 row) and chose nested loops that compared
# 2,800 x 2,800 rows, 800 ms of a batch. The account-day and feature-day rollups then get added deltas,
# distinct users included, without reading the per-user rows again. Concurrent batches stay exact: each
# upsert waits for the other's row and adds to its committed total; every insert takes its rows in key
# order, so two batches lock them in the same order, not in a deadlock.


def _fresh_rows(batch: str, returned: str, key: str, carried: tuple[str, ...]) -> str:
    """Per key of `batch` (this batch's per-user counts): fresh (the upsert `returned` a total equal to the
    batch's count: the row is new) and the batch's `carried` counts."""
    nulls = "".join(f", NULL::bigint AS {c}" for c in carried)
    maxima = "".join(f", MAX({c}) AS {c}" for c in carried)
    return (f"SELECT {key}, MAX(mine) = MAX(total) AS fresh{maxima} FROM ("
            f"SELECT {key}, events AS mine, NULL::bigint AS total{''.join(f', {c}' for c in carried)} FROM {batch} "
            f"UNION ALL SELECT {key}, NULL::bigint, events{nulls} FROM {returned}) both_sides GROUP BY {key}")


_PG_SPANS = span_statements("per_user", "per_user_feature", postgres=True, alias="t")
_PG_STORE = f"""
WITH keys AS (
    INSERT INTO usage_event_key (account_id, client_id)
    SELECT account_id, client_id FROM usage_staging ORDER BY account_id, client_id
    ON CONFLICT (account_id, client_id) DO NOTHING
    RETURNING account_id, client_id
), ins AS (
    INSERT INTO usage_event (account_id, client_id, user_id, type, feature, ts, received_at)
    SELECT s.account_id, s.client_id, s.user_id, s.type, s.feature, s.ts, :now
    FROM usage_staging s JOIN keys USING (account_id, client_id)
    RETURNING account_id, user_id, type, feature, (ts AT TIME ZONE 'UTC')::date AS day
), per_user AS ({_user_day_select("ins")}
), user_day AS (
    {_USER_DAY_INSERT.replace("usage_user_day", "usage_user_day AS t", 1)}
    SELECT * FROM per_user ORDER BY {USER_KEY}
    {_add_on_conflict("t", USER_KEY, _USER_DAY_COLUMNS)}
    RETURNING account_id, user_id, day, events
), account_day AS (
    {_ACCOUNT_DAY_INSERT.replace("usage_account_day", "usage_account_day AS t", 1)}
    SELECT account_id, day, COUNT(*) FILTER (WHERE fresh), {", ".join(f"SUM({c})" for c in ACCOUNT_DAY_SUMS)}
    FROM ({_fresh_rows("per_user", "user_day", USER_KEY, ACCOUNT_DAY_SUMS)}) per_key
    GROUP BY account_id, day ORDER BY account_id, day
    {_add_on_conflict("t", "account_id, day", ["active_users", *ACCOUNT_DAY_SUMS])}
), per_user_feature AS ({_user_feature_day_select("ins")}
), user_feature_day AS (
    {_USER_FEATURE_DAY_INSERT.replace("usage_user_feature_day", "usage_user_feature_day AS t", 1)}
    SELECT * FROM per_user_feature ORDER BY {USER_FEATURE_KEY}
    {_add_on_conflict("t", USER_FEATURE_KEY, ["events"])}
    RETURNING account_id, user_id, feature, day, events
), feature_day AS (
    {_FEATURE_DAY_INSERT.replace("usage_feature_day", "usage_feature_day AS t", 1)}
    SELECT account_id, day, feature, COUNT(*) FILTER (WHERE fresh), SUM(events)
    FROM ({_fresh_rows("per_user_feature", "user_feature_day", USER_FEATURE_KEY, ("events",))}) per_key
    GROUP BY account_id, day, feature ORDER BY account_id, day, feature
    {_add_on_conflict("t", "account_id, day, feature", ["users", "events"])}
), user_span AS (
    {_PG_SPANS[0]}
    RETURNING account_id, span, user_id, {", ".join(SPAN_WORD_COLUMNS)}
), new_day AS (  -- the user-days this batch made, located in their weeks
    SELECT account_id, user_id, {_week_of("n", postgres=True)}, CAST(1 AS BIGINT) << (n % 7) AS bit
    FROM (SELECT account_id, user_id, day, {day_number_sql("day", postgres=True)} AS n
          FROM ({_fresh_rows("per_user", "user_day", USER_KEY, ())}) per_key WHERE fresh) made
), account_week AS (
    -- A person is new to a week when their days of it, after this batch, are exactly the days this batch
    -- made: their span row was locked and updated after any concurrent batch's, so one batch only counts them.
    {_ACCOUNT_WEEK_INSERT.replace("usage_account_week", "usage_account_week AS t", 1)}
    SELECT w.account_id, w.week_start, COUNT(*) FROM (
        SELECT account_id, user_id, week_start, span, word, shift, SUM(bit) AS bits FROM new_day
        GROUP BY account_id, user_id, week_start, span, word, shift) w
    JOIN user_span s ON s.account_id = w.account_id AND s.user_id = w.user_id AND s.span = w.span
    WHERE {_week_bits("s", "w")} = w.bits
    GROUP BY w.account_id, w.week_start ORDER BY w.account_id, w.week_start
    {_add_on_conflict("t", "account_id, week_start", ["active_users"])}
), user_feature_span AS (
    {_PG_SPANS[1]}
)
SELECT COUNT(*) FROM ins
"""
# SQLite: the new keys come back to Python, which writes the first event of each new key.
_SQLITE_KEYS = """
INSERT INTO usage_event_key (account_id, client_id)
SELECT account_id, client_id FROM usage_staging WHERE 1 = 1 ORDER BY seq
ON CONFLICT (account_id, client_id) DO NOTHING
RETURNING account_id, client_id
"""
_SQLITE_ROLLUPS = (*rollup_statements("usage_fresh"), *span_statements(*_distinct_days("usage_fresh"), postgres=False),
                   week_recount("usage_fresh", postgres=False))


# A batch whose new events are all dated on or after today_horizon() changes no complete day, so it leaves
# data_changed_at (the cache key of every figure up to yesterday) as it is and moves usage_today_at only.
# The margin covers clocks a little apart and a batch that commits a little after midnight.
TODAY_MARGIN = timedelta(minutes=10)


def today_horizon() -> date:
    """The first day whose new events leave data_changed_at as it is: today, or tomorrow in the last minutes of a day."""
    return (utcnow() + TODAY_MARGIN).date()


_PG_SCRATCH = (
    # The ids in byte order, as in usage_event_key: its sort and the join on it need no locale.
    'CREATE TEMP TABLE IF NOT EXISTS usage_staging (seq integer, account_id integer, client_id varchar(200) COLLATE "C", '
    "user_id integer, type varchar(20), feature varchar(200), ts timestamptz) ON COMMIT DELETE ROWS",
    "TRUNCATE usage_staging",  # several batches may share a transaction (CSV import)
    # The staging table has no statistics, so the planner guesses a few hundred rows and sorts both sides of
    # the new-key join (10 ms for 10,000 rows); a hash join costs 4 ms. Reset after the batch statement.
    "SET LOCAL enable_mergejoin = off",
)
_STAGED = ("seq", "account_id", "client_id", "user_id", "type", "feature", "ts")


def _stage(rows: list[tuple], postgres: bool) -> None:
    """Load (seq, account_id, client_id, user_id, type, feature, ts) rows into the staging table."""
    if postgres:
        Session.execute(text("; ".join(_PG_SCRATCH)))  # one round trip (no parameters: one simple query)
        cursor = Session.connection().connection.driver_connection.cursor()
        # Binary COPY: a third of the time of text COPY for 10,000 rows (no text formatting of ints and times).
        with cursor.copy(f"COPY usage_staging ({', '.join(_STAGED)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "int4", "varchar", "int4", "varchar", "varchar", "timestamptz"])
            for row in rows:
                copy.write_row(row)
        cursor.close()
        return
    for statement in _SQLITE_SCRATCH:
        Session.execute(text(statement))
    Session.execute(insert(staging), [dict(zip(_STAGED, row)) for row in rows])


def store_rows(rows: list[tuple]) -> int:
    """Store validated (seq, account_id, client_id, user_id, type, feature, ts) rows; return how many were new."""
    if not rows:
        return 0
    postgres = is_postgres(Session)
    # First, before any statement on the events: on Citus `account` is a reference table, and a
    # transaction may not modify one after a multi-shard statement ("parallel DML access").
    _mark_changed(rows)
    _stage(rows, postgres)
    now = bindparam("now", utcnow(), type_=DateTime(timezone=True))
    ensure_partitions(row[6] for row in rows)
    if postgres:
        accepted = Session.execute(text(_PG_STORE).bindparams(now)).scalar_one()
        Session.execute(text("RESET enable_mergejoin"))
        return accepted
    new_keys = set(map(tuple, Session.execute(text(_SQLITE_KEYS)).all()))
    new_rows = []
    for row in rows:  # in batch order: the first of two equal ids wins
        if (row[1], row[2]) in new_keys:
            new_keys.discard((row[1], row[2]))
            new_rows.append(row)
    if new_rows:
        received = utcnow()
        Session.execute(insert(UsageEvent.__table__), [
            {"account_id": a, "client_id": c, "user_id": u, "type": t, "feature": f, "ts": ts, "received_at": received}
            for _, a, c, u, t, f, ts in new_rows])
        Session.execute(insert(fresh), [
            {"account_id": a, "user_id": u, "type": t, "feature": f, "day": ts.astimezone(timezone.utc).date()}
            for _, a, c, u, t, f, ts in new_rows])
    accepted = Session.scalar(text("SELECT COUNT(*) FROM usage_fresh")) or 0
    if accepted:
        for statement in _SQLITE_ROLLUPS:
            Session.execute(text(statement))
    return accepted


def _mark_changed(rows: list[tuple]) -> None:
    """usage_today_at moves for every account of the batch, data_changed_at only for those with an event
    dated before today_horizon().

    Taken from the batch as sent, before its duplicates are known: a resent event moves the marks too,
    which only makes a cache recompute once more (never keeps a stale figure).
    """
    horizon, moment = today_horizon(), utcnow()
    touched = {row[1] for row in rows}
    history = {row[1] for row in rows if row[6].astimezone(timezone.utc).date() < horizon}
    account = Account.__table__
    Session.execute(update(account).where(account.c.id.in_(touched)).values(usage_today_at=moment))
    if history:
        Session.execute(update(account).where(account.c.id.in_(history)).values(data_changed_at=moment))


def rebuild_rollups(account_ids: list[int]) -> None:
    """Recompute every rollup of these accounts from their raw events (demo loading, repairs)."""
    if not account_ids:
        return

    day = "(ts AT TIME ZONE 'UTC')::date" if is_postgres(Session) else "substr(ts, 1, 10)"
    ids = _bind("ids", expanding=True)
    # The rollups of pruned months are the only record left of them: they are kept as they are.
    horizon = pruned_before()
    params = {"ids": account_ids, "horizon": horizon or date.min}
    # `account` first: Citus refuses to modify a reference table after a multi-shard statement.
    Session.execute(update(Account.__table__).where(Account.__table__.c.id.in_(account_ids)).values(data_changed_at=utcnow()))
    for table in ("usage_user_day", "usage_user_feature_day", "usage_feature_day", "usage_account_day"):
        Session.execute(text(f"DELETE FROM {table} WHERE account_id IN :ids AND day >= :horizon").bindparams(ids), params)
    since = "" if horizon is None else f" AND {day} >= :horizon"
    raw = f"(SELECT account_id, user_id, type, feature, {day} AS day FROM usage_event WHERE account_id IN :ids{since}) raw"
    for statement in rollup_statements(raw):
        Session.execute(text(statement).bindparams(ids), params)
    # A span straddles the horizon, so the spans are made again from the per-user rollups, pruned months included.
    for table in ("usage_user_span", "usage_user_feature_span", "usage_account_week"):
        Session.execute(text(f"DELETE FROM {table} WHERE account_id IN :ids").bindparams(ids), params)
    user_days, user_feature_days = rollup_days("account_id IN :ids")
    for statement in (*span_statements(user_days, user_feature_days, postgres=is_postgres(Session)),
                      week_recount(user_days, postgres=is_postgres(Session))):
        Session.execute(text(statement).bindparams(ids), params)


def rollup_days(where: str) -> tuple[str, str]:
    """The user-days and user-feature-days of the per-user rollups that match `where`, as span sources."""
    return (f"(SELECT account_id, user_id, day FROM usage_user_day WHERE {where})",
            f"(SELECT account_id, user_id, feature, day FROM usage_user_feature_day WHERE {where})")
