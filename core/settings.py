"""Settings admins may change, stored as JSON in the setting table, with code defaults."""
from __future__ import annotations

import json
from typing import Any

from models.accounts import Setting
from models.db import Session

DEFAULTS: dict[str, Any] = {
    "tiers.top_share": 0.40,  # top tier: smallest set of largest accounts holding this share of ARR
    "tiers.scalable_share": 0.20,  # scalable tier: smallest accounts holding this last share of ARR
    "surveys.throttle_days": 90,  # a person is asked at most once in this many days
    "surveys.reminder_after_days": 4,  # one reminder after this many days without an answer
    "contact.fatigue_cap": 6,  # at most this many survey/assessment/playbook requests per account ...
    "contact.fatigue_window_days": 30,  # ... in this many days
}


def get_setting(key: str, default: Any = None) -> Any:
    """The stored value of a setting, else its default."""
    row = Session.get(Setting, key)
    if row is not None:
        return json.loads(row.value_json)
    return DEFAULTS.get(key, default)


def set_setting(key: str, value: Any) -> None:
    """Store a setting (flushes; the caller commits)."""
    row = Session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value_json=json.dumps(value))
        Session.add(row)
    else:
        row.value_json = json.dumps(value)
    Session.flush()
