"""Benchmark: the churn forecast's rolling-origin backtest on the demo and on a generated vendor history.

The generated history (analytics/forecast/synthetic.py) has 2,000 accounts over two years whose churn follows
hidden rules of its own; the forecast sees only what a portal would store. Goals: skill above 0 against the
base rate and against persistence, and an expected calibration error under 0.05.

    .venv/bin/python bench/forecast.py [--accounts 2000] [--days 730] [--seed 1] [--skip-demo]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import select  # noqa: E402

from analytics.forecast.backtest import rolling_backtest  # noqa: E402
from analytics.forecast.model import origin_days, tables_by_day  # noqa: E402
from analytics.forecast.synthetic import generate  # noqa: E402
from models.db import Session  # noqa: E402
from models.revenue import ForecastModel  # noqa: E402
from portal import create_app  # noqa: E402
from portal.cli.database import upgrade  # noqa: E402
from portal.demo import seed_demo  # noqa: E402

END = date(2026, 6, 30)


def show(title: str, result: dict, seconds: float) -> bool:
    """Print the figures; True when both goals are met."""
    print(f"\n== {title} ({seconds:.1f} s)")
    if not result.get("forecasts"):
        print("no backtest: too little history")
        return False
    print(f"forecasts {result['forecasts']}, followed by churn {result['churned']}, models used {result['models']}")
    print(f"Brier: model {result['brier']:.4f}, base rate {result['brier_base_rate']:.4f}, "
          f"persistence {result['brier_persistence']:.4f}")
    print(f"skill vs base rate {result['skill_vs_base_rate']:+.3f}, vs persistence {result['skill_vs_persistence']:+.3f}, "
          f"AUC {result['auc']:.3f}, ECE {result['ece']:.4f}")
    print("tenth  forecasts  predicted  observed")
    for i, d in enumerate(result["deciles"], 1):
        print(f"{i:>5}  {d['n']:>9}  {d['predicted'] * 100:>8.2f}%  {d['observed'] * 100:>7.2f}%")
    met = result["skill_vs_base_rate"] > 0 and result["skill_vs_persistence"] > 0 and result["ece"] < 0.05
    print("goals (skill > 0 against both, ECE < 0.05):", "MET" if met else "NOT MET")
    return met


def generated(accounts: int, days: int, seed: int) -> bool:
    """The backtest on a generated history."""
    started = time.perf_counter()
    histories = generate(accounts=accounts, days=days, seed=seed, end=END)
    tables = tables_by_day(histories, origin_days(END - timedelta(days=days - 1 - 56), END))
    result = rolling_backtest(histories, tables, END, min_churns=20)
    churned = sum(1 for h in histories if h.churned_on)
    return show(f"generated: {accounts} accounts, {days} days, {churned} churned", result,
                time.perf_counter() - started)


def demo() -> None:
    """The backtest stored by `demo seed` in a fresh SQLite database."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{os.path.join(folder, 'demo.db')}"
        upgrade(url)
        app = create_app({"DATABASE_URL": url})
        with app.app_context():
            started = time.perf_counter()
            seed_demo()
            Session.commit()
            row = Session.scalars(select(ForecastModel)).first()
            result = json.loads(row.backtest_json)
            print(f"\nthe demo's forecast: {row.kind}: {json.loads(row.model_json).get('description', '')}")
            show("demo: 40 accounts, 365 days (seeded)", result, time.perf_counter() - started)
            Session.remove()


def main() -> int:
    """Run both backtests; exit 0 when the generated history meets the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    if not args.skip_demo:
        demo()
    return 0 if generated(args.accounts, args.days, args.seed) else 1


if __name__ == "__main__":
    sys.exit(main())
