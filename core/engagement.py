"""Recording a customer's engagement with the portal (read by the health score)."""
from __future__ import annotations

from models.db import Session, utcnow
from models.usage import EngagementEvent

KINDS = ("portal_visit", "article_view", "article_vote", "survey_answer", "assessment")


def record_engagement(account_id: int, user_id: int | None, kind: str) -> None:
    """Add one engagement event (flushes nothing; the request commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown engagement kind {kind!r}")
    Session.add(EngagementEvent(account_id=account_id, user_id=user_id, kind=kind, ts=utcnow()))
