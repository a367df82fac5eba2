"""Knowledge-base search over many articles: median and 95th percentile time per query.

Generates N published articles (titles, tags and 120-260 words of body drawn with a Zipf-like
law from the demo articles' vocabulary plus rarer product words), loads them with bulk inserts
(FTS5 triggers index them on SQLite, generated tsvector columns on PostgreSQL), then times
knowledge.search.search() for a mix of queries: common and rare words, two and three words,
prefixes while typing, typos, operators and searches that find nothing.

Run:
  .venv/bin/python bench/search.py --backend sqlite
  BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_kb .venv/bin/python bench/search.py --backend postgresql
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

import models  # noqa: E402
from knowledge.demo_articles import ARTICLES  # noqa: E402
from knowledge.search import search  # noqa: E402
from models.db import Session, init_engine, make_engine  # noqa: E402
from models.knowledge import Article  # noqa: E402

QUERIES = [
    "report", "schedule report", "export csv", "dashboard", "invite team", "salesforce sync", "api token",
    "automation rules", "single sign", "webhook signature", "seat utilisation", "retention", "time zone",
    "sched", "integr", "dashb", "notif", "expo",  # typing: prefixes
    "integratoins", "dashbord", "retension",  # typos
    '"export" OR csv', "NEAR(report csv)", "csv*", "!!!",  # operators and punctuation
    "zebra quantum", "gantt chart", "dark mode",  # nothing or little
    "weekly report email monday", "how to connect my crm", "quarterly business review",
]


def vocabulary(rng: random.Random) -> list[str]:
    """Words of the demo articles (frequent) followed by rarer product-like words."""
    words: list[str] = []
    seen: set[str] = set()
    for _slug, title, _cat, tags, _f, _l, body in ARTICLES:
        for word in re.findall(r"[a-z]+", f"{title} {' '.join(tags)} {body}".lower()):
            if word not in seen:
                seen.add(word)
                words.append(word)
    rng.shuffle(words)
    syllables = "ka lo mi ne ra su to vi be da fe go hu ja ki lu mo ny pe qu ri sa te ul vo wy xe zo".split()
    while len(words) < 30_000:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def generate(n: int, seed: int = 11) -> list[dict]:
    """Article rows ready for a bulk insert."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    now = datetime.now(timezone.utc)
    rows = []
    for i in range(n):
        title_words = rng.choices(words[:3000], cum_weights=cumulative[:3000], k=rng.randint(3, 7))
        body_words = rng.choices(words, cum_weights=cumulative, k=rng.randint(120, 260))
        tags = rng.sample(words[:400], 3)
        title = " ".join(title_words).capitalize()
        body = " ".join(body_words)
        rows.append({
            "slug": f"bench-{i}", "title": title, "body_markdown": body, "body_html": f"<p>{body}</p>", "body_text": body,
            "toc_json": "[]", "tags_text": " ".join(tags), "status": "published" if i % 10 else "draft",
            "created_at": now, "updated_at": now, "published_at": now,
        })
    return rows


def prepare(url: str, n: int, keep: bool) -> None:
    """Create the schema and load n articles (unless --keep finds them already there)."""
    engine = make_engine(url)
    if keep:
        with engine.connect() as connection:
            try:
                if connection.execute(select(func.count()).select_from(Article.__table__)).scalar() == n:
                    engine.dispose()
                    return
            except Exception:
                connection.rollback()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    models.Base.metadata.create_all(engine)
    started = time.perf_counter()
    rows = generate(n)
    with engine.begin() as connection:
        for start in range(0, n, 5000):
            connection.execute(insert(Article), rows[start:start + 5000])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE kb_article"))
    print(f"loaded {n:,} articles in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def run(url: str, rounds: int) -> dict:
    """Time every query `rounds` times (after one warm-up pass)."""
    init_engine(url)
    for query in QUERIES:
        search(query)
    timings: list[float] = []
    cpu_timings: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(rounds):
        for query in QUERIES:
            started, cpu_started = time.perf_counter(), time.process_time()
            search(query)
            elapsed = (time.perf_counter() - started) * 1000
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
            timings.append(elapsed)
            per_query[query].append(elapsed)
    Session.remove()
    timings.sort()
    cpu_timings.sort()
    slowest = sorted(per_query.items(), key=lambda item: -statistics.median(item[1]))[:3]
    return {
        "median": statistics.median(timings),
        "p95": timings[int(0.95 * (len(timings) - 1))],
        "max": timings[-1],
        "searches": len(timings),
        "cpu_median": statistics.median(cpu_timings),
        "cpu_p95": cpu_timings[int(0.95 * (len(cpu_timings) - 1))],
        "slowest": [(q, statistics.median(t)) for q, t in slowest],
    }


def _ensure_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def main() -> None:
    """Parse options, load, time and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded articles when the count matches")
    args = parser.parse_args()
    if args.backend == "sqlite":
        path = os.path.join(tempfile.gettempdir(), f"bench_kb_{args.articles}.db")
        if not args.keep and os.path.exists(path):
            os.remove(path)
        url = f"sqlite:///{path}"
    else:
        url = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_kb")
        _ensure_database(url)
    prepare(url, args.articles, args.keep)
    figures = run(url, args.rounds)
    print(f"{args.backend}: {args.articles:,} articles, {figures['searches']} searches of {len(QUERIES)} kinds")
    print(f"  wall clock: median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms")
    print(f"  CPU of this process (all of SQLite's work, PostgreSQL's client side only): "
          f"median {figures['cpu_median']:.1f} ms, p95 {figures['cpu_p95']:.1f} ms")
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("  slowest queries (median): " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in figures["slowest"]))


if __name__ == "__main__":
    main()
