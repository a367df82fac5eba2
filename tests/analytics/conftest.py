"""Helpers for usage tests: event builders and a poster through the real API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest


def iso(moment: datetime) -> str:
    """An ISO 8601 timestamp with offset."""
    return moment.astimezone(timezone.utc).isoformat()


@pytest.fixture
def recent():
    """recent(days_ago, hour=10) -> an aware UTC datetime in the past."""
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)

    def make(days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
        return today - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

    return make


@pytest.fixture
def post_events(api, world):
    """post_events(events) -> response of POST /api/v1/events with the admin's token."""
    admin_api = api(world["admin"])

    def post(events):
        return admin_api.post("/api/v1/events", json={"events": events})

    return post
