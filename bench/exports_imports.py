"""Downloads and imports at size: usage days as CSV/XLSX, the review deck, Delighted and Zendesk imports.

Times on SQLite (a temporary file) with the app's own code paths:
- a year of usage days and 500 features written as CSV and as XLSX (core.tabular);
- the review deck built from a snapshot of a 90-day period (portal.share.deck);
- 10,000 Delighted responses imported, then the same file again (all duplicates);
- 500 Zendesk articles imported, then the same file again (all unchanged).

Run:
  .venv/bin/python bench/exports_imports.py
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import models  # noqa: E402
from core.tabular import Table, render  # noqa: E402
from knowledge.imports import import_articles, read_zendesk  # noqa: E402
from models.accounts import Account  # noqa: E402
from models.db import Session, make_engine  # noqa: E402
from portal import create_app  # noqa: E402
from portal.share.deck import build_deck  # noqa: E402
from surveys.nps_import.delighted import read_delighted  # noqa: E402

RESPONSES = 10_000
ARTICLES = 500


def timed(label: str, action, count: int | None = None, unit: str = ""):
    """Run action once and print its wall time (and rate)."""
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    rate = f", {count / seconds:,.0f} {unit}/s" if count else ""
    print(f"{label}: {seconds * 1000:,.0f} ms{rate}")
    return result


def main() -> None:
    """Print the figures."""
    path = os.path.join(tempfile.mkdtemp(), "bench.db")
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "MAIL_SUPPRESS_SEND": True})
    with app.app_context():
        account = Account(external_id="BENCH", name="Bench Inc", arr=Decimal(100000), seats=500,
                          customer_since=date(2024, 1, 1), status="active")
        Session.add(account)
        Session.commit()

        days = Table("usage", ["date", "active_users", "logins", "events"],
                     [[(date(2025, 1, 1) + timedelta(days=k)).isoformat(), k % 300, k % 500, k * 7] for k in range(365)])
        features = Table("features", ["feature", "users", "events"], [[f"=feature_{k}", k, k * 3] for k in range(500)])
        for fmt in ("csv", "xlsx"):
            timed(f"365 usage days as {fmt}", lambda: render(days, fmt))
            timed(f"500 features as {fmt}", lambda: render(features, fmt))

        start = date(2026, 1, 1)
        snapshot = {
            "account": {"name": "Bench Inc", "external_id": "BENCH", "seats": 500},
            "period": {"start": start.isoformat(), "end": (start + timedelta(days=89)).isoformat()},
            "previous": {"start": (start - timedelta(days=90)).isoformat(), "end": (start - timedelta(days=1)).isoformat()},
            "current_figures": {"nps": 31.0, "nps_responses": 40, "key_features_used": 6, "seat_utilisation_percent": 61.0,
                                "health_components": [{"name": "usage", "score": 70.0, "explanation": "Fine."}]},
            "previous_figures": {"nps": 22.0, "nps_responses": 35},
            "daily_active_users": [200 + k % 40 for k in range(90)],
            "previous_daily_active_users": [180 + k % 30 for k in range(90)],
            "health_history": [[(start + timedelta(days=k)).isoformat(), 60 + k % 20] for k in range(90)],
            "dashboard": {"adoption": [{"name": f"Feature {k}", "users": k * 10} for k in range(8)],
                          "active_users_in_period": 300, "adopted_count": 7},
            "plan": [{"name": f"Goal {k}", "unit": "%", "current": 10.0 + k, "target": 30.0, "target_date": "2026-12-31",
                      "progress_percent": 40.0 + k, "on_track": k % 2 == 0} for k in range(5)],
            "maturity": {"levels": 5, "rounds": [{"taken_on": "2025-10-01", "level": 2, "level_name": "Developing"},
                                                 {"taken_on": "2026-02-01", "level": 3, "level_name": "Defined"}]},
        }
        deck = timed("review deck (8 slides, 8 native charts)", lambda: build_deck(snapshot, "Bench Vendor"))
        print(f"review deck size: {len(deck) / 1024:,.0f} KB")

        export = json.dumps([{"id": str(k), "person": {"email": f"p{k}@bench.test"}, "score": k % 11,
                              "comment": f"comment {k}", "created_at": 1735700000 + k * 60} for k in range(RESPONSES)])

        def nps_import():
            result = read_delighted(export, account.id).store()
            Session.commit()
            return result

        print("first import:", timed(f"{RESPONSES:,} Delighted responses", nps_import, RESPONSES, "responses"))
        print("second import:", timed(f"{RESPONSES:,} Delighted responses again", nps_import, RESPONSES, "responses"))

        articles = json.dumps({"articles": [{"id": k, "title": f"Article {k}", "draft": False, "label_names": ["bench"],
                                             "body": "<h2>Steps</h2>" + "<p>Open <b>Reports</b> and pick one.</p>" * 30,
                                             "section_id": k % 5} for k in range(ARTICLES)],
                               "sections": [{"id": k, "name": f"Section {k}"} for k in range(5)]})

        def kb_import():
            counts = import_articles(read_zendesk(articles), None)
            Session.commit()
            return counts

        print(timed(f"{ARTICLES} Zendesk articles", kb_import, ARTICLES, "articles"))
        print(timed(f"{ARTICLES} Zendesk articles again", kb_import, ARTICLES, "articles"))


if __name__ == "__main__":
    main()
