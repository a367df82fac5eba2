"""Reads of the stored health history and the NPS inputs shared by recompute, warnings, cards and the portfolio."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from sqlalchemy import and_, case, func, select

from models.db import Session
from models.health import HealthScore
from models.surveys import SurveyResponse


def midnight(day: date) -> datetime:
    """The first instant of a UTC calendar day."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def nps_by_account(as_of: date, account_ids: Optional[list[int]] = None) -> dict[int, tuple[float, int]]:
    """NPS over the 365 days to as_of from each respondent's latest answer: {account: (nps, n)}."""
    end = as_of + timedelta(days=1)
    ranked = (
        select(
            SurveyResponse.account_id,
            SurveyResponse.score,
            func.row_number().over(
                partition_by=(SurveyResponse.account_id, SurveyResponse.respondent),
                order_by=(SurveyResponse.ts.desc(), SurveyResponse.id.desc()),
            ).label("rank"),
        )
        .where(SurveyResponse.ts >= midnight(as_of - timedelta(days=364)), SurveyResponse.ts < midnight(end))
    )
    if account_ids is not None:
        ranked = ranked.where(SurveyResponse.account_id.in_(account_ids))
    ranked = ranked.subquery()
    rows = Session.execute(
        select(
            ranked.c.account_id,
            func.count(),
            func.sum(case((ranked.c.score >= 9, 1), else_=0)),
            func.sum(case((ranked.c.score <= 6, 1), else_=0)),
        ).where(ranked.c.rank == 1).group_by(ranked.c.account_id)
    ).all()
    return {a: ((p - d) * 100.0 / n, n) for a, n, p, d in rows if n}


def latest_score(account_id: int) -> Optional[HealthScore]:
    """The newest stored score of one account, or None."""
    return Session.scalars(
        select(HealthScore).where(HealthScore.account_id == account_id).order_by(HealthScore.as_of.desc()).limit(1)
    ).first()


def score_on(account_ids: list[int], day: date, *, summary: bool = False) -> dict[int, HealthScore]:
    """Each account's latest stored score on or before day.

    With summary=True the rows hold only account_id, as_of, score, band and arr (no components, no ORM
    objects): what lists of hundreds of accounts need, at a fraction of the cost.
    """
    latest = (
        select(HealthScore.account_id, func.max(HealthScore.as_of).label("as_of"))
        .where(HealthScore.as_of <= day, HealthScore.account_id.in_(account_ids))
        .group_by(HealthScore.account_id)
        .subquery()
    )
    joined = and_(latest.c.account_id == HealthScore.account_id, latest.c.as_of == HealthScore.as_of)
    if summary:
        rows = Session.execute(select(HealthScore.account_id, HealthScore.as_of, HealthScore.score, HealthScore.band,
                                      HealthScore.arr).join(latest, joined)).all()
    else:
        rows = Session.scalars(select(HealthScore).join(latest, joined)).all()
    return {row.account_id: row for row in rows}
