"""Playbook tests: helpers to build segments, playbooks and the figures rules read."""
from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import count

import pytest

from models.accounts import User
from models.db import Session
from models.health import HealthScore
from models.playbooks import Playbook, Segment
from models.usage import KeyFeature, UsageFeatureDay


_owners = count(1)


@pytest.fixture
def make_playbook(app):
    """make_playbook(rules, owner=None, **fields) -> Playbook (active, committed) on a new segment."""

    def factory(rules: list[dict], owner=None, **fields) -> Playbook:
        with app.app_context():
            if owner is None:  # an admin's segment covers every account
                owner = User(email=f"owner{next(_owners)}@vendor.test", name="Owner Admin", role="admin")
                Session.add(owner)
                Session.flush()
            segment = Segment(name=fields.pop("segment_name", "Segment"), owner_id=owner.id if owner else None,
                              rules_json=json.dumps({"rules": rules}))
            Session.add(segment)
            Session.flush()
            values = {"name": "Welcome", "email_subject": "Hello {{ first_name }}",
                      "email_body": "Hi {{ first_name }}, **{{ account_name }}** has {{ active_users_28d }} active users.",
                      "is_active": True, "owner_id": owner.id if owner else None}
            values.update(fields)
            playbook = Playbook(segment_id=segment.id, **values)
            Session.add(playbook)
            Session.commit()
            return playbook

    return factory


def add_health(account_id: int, day: date, score: float, band: str) -> None:
    """One health history row (the caller commits)."""
    Session.add(HealthScore(account_id=account_id, as_of=day, score=score, band=band))


def add_feature(feature: str, name: str | None = None) -> None:
    """A key feature (the caller commits)."""
    Session.add(KeyFeature(feature=feature, name=name or feature.title()))


def use_feature(account_id: int, feature: str, day: date) -> None:
    """A day of feature use (the caller commits)."""
    Session.add(UsageFeatureDay(account_id=account_id, day=day, feature=feature, users=1, events=3))


def days_ago(n: int) -> date:
    """The UTC day n days ago."""
    from models.db import utcnow

    return utcnow().date() - timedelta(days=n)
