"""A generated vendor history whose churn follows hidden rules of its own, to test and benchmark the forecast.

Each account has a latent engagement that drifts, with decline and recovery episodes. What a portal would store
is drawn from it, with noise: a weekly health score and band, active users, key-feature adoption, sentiment,
detractor answers and usage-drop warnings. The hidden rules: an account mostly churns at its yearly renewal, more
likely the lower its engagement and while a decline is under way; a small background hazard rises as
engagement falls. The forecast never sees the engagement or the rules, only the stored figures.
"""
from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from analytics.forecast.features import AccountHistory

WEEK = timedelta(days=7)


def _band(score: float) -> str:
    return "red" if score < 40 else "yellow" if score < 70 else "green"


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def generate(accounts: int = 2000, days: int = 730, seed: int = 1, end: date = date(2026, 6, 30)) -> list[AccountHistory]:
    """`accounts` plain histories over `days` days ending on `end` (weekly health, usage and answers)."""
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    histories = []
    for account_id in range(1, accounts + 1):
        since = start - timedelta(days=rng.randint(0, 500)) if rng.random() < 0.75 else \
            start + timedelta(days=rng.randint(0, days // 2))
        seats = rng.randint(10, 200)
        renewal = since + timedelta(days=365)
        arr = Decimal(int(math.exp(rng.gauss(10.5, 0.8))) // 100 * 100)
        history = AccountHistory(account_id, since, None, renewal, seats, arr_changes=[(since, arr)])
        level = rng.uniform(0.45, 0.9)  # where engagement settles
        engagement = min(1.0, max(0.05, level + rng.gauss(0, 0.1)))
        decline_weeks = 0
        usage, utilisation_before, open_warning = [], None, None
        day = max(start, since)
        while day <= end:
            if decline_weeks == 0 and rng.random() < 0.012:
                decline_weeks = rng.randint(6, 20)
            if decline_weeks:
                engagement -= rng.uniform(0.01, 0.045)
                decline_weeks -= 1
            else:
                engagement += 0.08 * (level - engagement)
            engagement = min(1.0, max(0.02, engagement + rng.gauss(0, 0.02)))
            utilisation = min(1.0, max(0.0, 0.05 + 0.75 * engagement + rng.gauss(0, 0.05)))
            usage.append((day, 7 * seats * utilisation))
            adoption = min(100.0, max(0.0, 100 * (0.15 + 0.7 * engagement) + rng.gauss(0, 8)))
            sentiment = min(100.0, max(0.0, 100 * (0.25 + 0.6 * engagement) + rng.gauss(0, 12)))
            score = min(100.0, max(0.0, 0.45 * 100 * utilisation + 0.3 * adoption + 0.25 * sentiment + rng.gauss(0, 4)))
            history.health_days.append(day)
            history.health.append((round(score, 1), _band(score), round(adoption, 1), round(sentiment, 1)))
            if rng.random() < 0.04 * (1.3 - engagement):
                history.detractor_days.append(day)
            if utilisation_before is not None and utilisation < 0.7 * utilisation_before and open_warning is None:
                open_warning = day
            elif open_warning is not None and utilisation_before is not None and utilisation >= utilisation_before:
                history.warnings.append((open_warning, day))
                open_warning = None
            if len(usage) % 4 == 0:
                utilisation_before = utilisation
            # The hidden churn rules.
            at_renewal = (day - since).days % 365 < 7 and day > since + timedelta(days=300)
            hazard = 0.001 + 0.01 * max(0.0, 0.35 - engagement) * 10
            if at_renewal:
                hazard += _sigmoid(-3.2 + 9 * (0.45 - engagement) + (1.2 if decline_weeks else 0.0))
            if rng.random() < hazard:
                history.churned_on = day + timedelta(days=rng.randint(1, 6))
                break
            day += WEEK
        if open_warning is not None:
            history.warnings.append((open_warning, None))
        history.set_usage(usage)
        histories.append(history)
    return histories
