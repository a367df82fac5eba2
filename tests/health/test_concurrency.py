"""Health recompute run twice at the same moment: both finish, one history row per account and day."""
from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from models.db import Session
from models.health import HealthScore
from tests.health.helpers import add_answer, add_usage, days_back

AS_OF = date(2026, 6, 30)
RUNS = 3


def _run_recompute_at_once(app, runs: int) -> list:
    """Start `health recompute` in several threads released together; each thread has its own session."""
    barrier = threading.Barrier(runs)
    results: list = [None] * runs

    def run(i: int) -> None:
        runner = app.test_cli_runner()
        barrier.wait()
        results[i] = runner.invoke(args=["health", "recompute", "--as-of", AS_OF.isoformat()])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_recomputes_both_finish_with_one_row_per_account(app, create_account, create_user):
    """Two ops people (or a cron and a person) recomputing at once: no error, no duplicate history."""
    accounts = []
    for n in range(12):
        account = create_account(name=f"Concurrent {n}", seats=10, customer_since=AS_OF - timedelta(days=300))
        users = [create_user("customer", account=account) for _ in range(3)]
        with app.app_context():
            add_usage(account, users[: 1 + n % 3], days_back(AS_OF, 55, 0))
            add_answer(account, f"r{n}@x.test", n % 11, AS_OF - timedelta(days=5))
        accounts.append(account)
    for attempt in range(3):
        results = _run_recompute_at_once(app, RUNS)
        for result in results:
            assert result is not None, "a recompute never finished"
            assert result.exit_code == 0, (result.output, result.exception)
        # Click's captured output is per process, not per thread, so the stored rows are the check.
        with app.app_context():
            per_account = dict(Session.execute(
                select(HealthScore.account_id, func.count()).where(HealthScore.as_of == AS_OF)
                .group_by(HealthScore.account_id)).all())
            Session.remove()
        assert per_account == {account.id: 1 for account in accounts}, f"attempt {attempt}"
