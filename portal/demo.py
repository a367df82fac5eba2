"""Demo data: a small vendor with CSMs, accounts in three ARR tiers and their people.

Each feature adds its own part through DEMO_STEPS, reading the story every account
was given (healthy, declining, recovering, new) so the figures tell a consistent tale.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from analytics.health.demo import seed_health
from analytics.plan.demo import seed_plans
from analytics.playbooks.demo import seed_playbooks
from analytics.revenue.demo import seed_revenue
from analytics.usage.demo import seed_usage
from knowledge.demo import seed_knowledge
from models.accounts import Account, User
from portal.branding.demo import seed_brand
from models.db import Session, one_connection_per_node, utcnow
from core.passwords import hash_password
from surveys.maturity.demo import seed_maturity
from surveys.nps.demo import seed_surveys

DEMO_PASSWORD = "demo-portal-2026"
STORIES = ("healthy", "healthy", "healthy", "declining", "recovering", "new")

# Feature steps, each a function of the demo context, run in order after the accounts exist.
DEMO_STEPS = (seed_brand, seed_usage, seed_knowledge, seed_surveys, seed_maturity, seed_plans, seed_health, seed_revenue,
              seed_playbooks)

COMPANY_WORDS = (
    "Acme Northwind Globex Initech Umbrella Stark Wayne Wonka Hooli Vandelay Soylent Tyrell Cyberdyne Aperture "
    "Gringotts Oscorp Monarch Dunder Pied Massive Vehement Sirius Blue Sun Ollivander Kramerica Duff Prestige "
    "Gekko Zorg Rekall Nakatomi Veridian Atlas Helix Nimbus Quantum Orbit Lumen Beacon Summit Harbor Cobalt"
).split()
COMPANY_SUFFIXES = ("Corp", "Labs", "Logistics", "Health", "Retail", "Foods", "Analytics", "Energy", "Media", "Bank")
FIRST_NAMES = "Ada Alan Grace Linus Margaret Ken Barbara Edsger Radia Tim Frances Donald John Anita Katherine Dennis".split()
LAST_NAMES = "Lovelace Turing Hopper Torvalds Hamilton Thompson Liskov Dijkstra Perlman Berners-Lee Allen Knuth Backus Borg Johnson Ritchie".split()


@dataclass
class DemoContext:
    """What every demo step gets: the session, a seeded random source, the period and the accounts."""

    rng: random.Random
    today: date
    days: int
    accounts: list[Account]
    stories: dict[int, str]  # account id -> healthy / declining / recovering / new
    customers: dict[int, list[User]]  # account id -> its customer users
    csms: list[User]
    admin: User
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, e-mail, what they see)
    churn_on: dict[int, date] = field(default_factory=dict)  # account id -> the day it churned (declining stories)

    @property
    def start(self) -> date:
        """First day of the demo history."""
        return self.today - timedelta(days=self.days - 1)


def database_is_empty() -> bool:
    """True when no user exists yet."""
    return (Session.scalar(select(func.count()).select_from(User)) or 0) == 0


def _arr_for(index: int, rng: random.Random) -> Decimal:
    # A few large accounts hold much of the revenue, a long tail holds little: three clear tiers.
    if index < 5:
        value = rng.randint(250, 600) * 1000
    elif index % 3 == 0:
        value = rng.randint(60, 150) * 1000
    else:
        value = rng.randint(8, 45) * 1000
    return Decimal(value)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _churn_days(rng: random.Random, story_by_index: list[str], days: int) -> dict[int, int]:
    """About one account in five ends its declining story in churn: index -> days before today it churned.

    They are taken from the healthy accounts (the first account stays a customer) and told as declining.
    """
    healthy = [index for index, story in enumerate(story_by_index) if story == "healthy" and index > 0]
    wanted = min(len(healthy), len(story_by_index) // 5)
    if days < 150 or not wanted:
        return {}
    chosen = rng.sample(healthy, wanted)
    for index in chosen:
        story_by_index[index] = "declining"
    return {index: rng.randint(20, days - 120) for index in chosen}


def seed_people(rng: random.Random, n_accounts: int, days: int, today: date) -> DemoContext:
    """Create the admin, three CSMs, the accounts and their customer users."""
    password_hash = hash_password(DEMO_PASSWORD)
    admin = User(email="admin@demo.example", name="Alex Admin", role="admin", password_hash=password_hash)
    csms = [
        User(email=f"{first.lower()}@demo.example", name=f"{first} {last}", role="csm", password_hash=password_hash)
        for first, last in (("Casey", "Morgan"), ("Jordan", "Lee"), ("Riley", "Patel"))
    ]
    Session.add_all([admin, *csms])
    accounts: list[Account] = []
    stories: dict[int, str] = {}
    customers: dict[int, list[User]] = {}
    used_names: set[str] = set()
    story_by_index = ["healthy" if index == 0 else rng.choice(STORIES) for index in range(n_accounts)]
    churn_days = _churn_days(rng, story_by_index, days)
    distinct_names = len(set(COMPANY_WORDS)) * len(set(COMPANY_SUFFIXES))
    for index in range(n_accounts):
        while True:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIXES)}"
            if index >= distinct_names:  # every pairing is taken: a number keeps larger demos unique
                name = f"{name} {index + 1}"
            if name not in used_names:
                used_names.add(name)
                break
        arr = _arr_for(index, rng)
        story = story_by_index[index]
        since_days = rng.randint(30, 90) if story == "new" else rng.randint(days, days + 900)
        seats = max(5, int(arr / 2000) + rng.randint(-3, 10))
        account = Account(
            external_id=f"ACME-{index + 1:03d}" if index == 0 else f"ACC-{index + 1:03d}",
            name=name,
            arr=arr,
            seats=seats,
            customer_since=today - timedelta(days=since_days),
            renewal_date=today + timedelta(days=rng.randint(5, 360)),
            csm=csms[index % len(csms)],
            status="active",
        )
        if index in churn_days:
            # It declined towards its renewal day and did not renew: churned that day.
            churned_on = today - timedelta(days=churn_days[index])
            account.status, account.churned_on, account.renewal_date = "churned", churned_on, churned_on
        Session.add(account)
        accounts.append(account)
    Session.flush()
    churn_on = {}
    for index, account in enumerate(accounts):
        stories[account.id] = story_by_index[index]
        if account.churned_on is not None:
            churn_on[account.id] = account.churned_on
        n_users = max(3, min(account.seats, int(account.seats * rng.uniform(0.5, 0.95))))
        people = []
        for n in range(n_users):
            people.append(
                User(
                    email=f"user{n + 1}@{account.external_id.lower()}.example",
                    name=_person(rng),
                    role="customer",
                    account=account,
                    external_id=f"{account.external_id}-U{n + 1}",
                    password_hash=password_hash if n == 0 else None,
                )
            )
        Session.add_all(people)
        customers[account.id] = people
    Session.flush()
    first = accounts[0]
    ctx = DemoContext(rng=rng, today=today, days=days, accounts=accounts, stories=stories,
                      customers=customers, csms=csms, admin=admin, churn_on=churn_on)
    ctx.logins = [
        ("admin", admin.email, "everything"),
        ("csm", csms[0].email, f"the portfolio of {sum(1 for a in accounts if a.csm_id == csms[0].id)} accounts"),
        ("customer", customers[first.id][0].email, f"the account {first.name} ({first.external_id})"),
    ]
    return ctx


def run_demo_steps(ctx: DemoContext) -> None:
    """Run every feature's demo step in order, flushing after each."""
    for step in DEMO_STEPS:
        step(ctx)
        Session.flush()


def seed_demo(n_accounts: int = 40, days: int = 365, seed: int = 7, today: date | None = None) -> DemoContext:
    """Create the whole demo in one transaction (the caller commits)."""
    # The steps write definitions (reference tables on Citus) after multi-shard writes of usage.
    one_connection_per_node(Session)
    rng = random.Random(seed)
    ctx = seed_people(rng, n_accounts, days, today or utcnow().date())
    run_demo_steps(ctx)
    return ctx


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo sign-ins that exist in this database."""
    rows = []
    admin = Session.scalar(select(User).where(User.email == "admin@demo.example"))
    if admin is None:
        return rows
    rows.append(("admin", admin.email, "everything"))
    csm = Session.scalar(select(User).where(User.email == "casey@demo.example"))
    if csm is not None:
        rows.append(("csm", csm.email, "their portfolio"))
    customer = Session.scalar(select(User).where(User.email == "user1@acme-001.example"))
    if customer is not None:
        rows.append(("customer", customer.email, "their account ACME-001"))
    return rows
