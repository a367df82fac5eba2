"""A demo larger than the list of company names still seeds, every account with its own name."""
from __future__ import annotations

import random
from datetime import date

from portal import demo


def test_demo_with_more_accounts_than_name_pairings_gives_every_account_a_distinct_name(app, monkeypatch):
    monkeypatch.setattr(demo, "COMPANY_WORDS", ["Acme", "Globex"])
    monkeypatch.setattr(demo, "COMPANY_SUFFIXES", ["Corp", "Labs"])
    with app.app_context():
        ctx = demo.seed_people(random.Random(7), n_accounts=7, days=30, today=date(2026, 6, 30))
        names = [account.name for account in ctx.accounts]
        demo.Session.rollback()
    assert len(set(names)) == 7
    assert sum(1 for name in names if name.split()[-1].isdigit()) == 3  # the four pairings, then numbered names
