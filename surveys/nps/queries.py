"""Reads of the NPS feature, always for a given set of accounts the caller may see (None: every account).

The NPS counts each respondent's latest answer in the period (per account), picked in SQL
with ROW_NUMBER() OVER (PARTITION BY account, respondent ORDER BY ts DESC, id DESC).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, case, func, select

from models.accounts import Account, User
from models.db import Session, utcnow
from models.surveys import DetractorFollowup, SurveyInvitation, SurveyResponse
from surveys.nps.score import NpsResult, nps_from_counts


def day_start(day: date) -> datetime:
    """00:00 UTC of a calendar day."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _in_accounts(column, account_ids):
    return True if account_ids is None else column.in_(list(account_ids))


def latest_answers(account_ids, start: date, end: date):
    """Subquery of each respondent's latest answer per account within [start, end] UTC days."""
    rank = func.row_number().over(
        partition_by=(SurveyResponse.account_id, SurveyResponse.respondent),
        order_by=(SurveyResponse.ts.desc(), SurveyResponse.id.desc()),
    ).label("rank")
    ranked = (
        select(SurveyResponse.id, SurveyResponse.account_id, SurveyResponse.respondent, SurveyResponse.user_id,
               SurveyResponse.score, SurveyResponse.comment, SurveyResponse.ts, rank)
        .where(SurveyResponse.ts >= day_start(start), SurveyResponse.ts < day_start(end + timedelta(days=1)),
               _in_accounts(SurveyResponse.account_id, account_ids))
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery()


def _counts(latest):
    return (
        func.sum(case((latest.c.score >= 9, 1), else_=0)).label("promoters"),
        func.sum(case((latest.c.score.between(7, 8), 1), else_=0)).label("passives"),
        func.sum(case((latest.c.score <= 6, 1), else_=0)).label("detractors"),
    )


def nps_by_account(account_ids, start: date, end: date) -> dict[int, NpsResult]:
    """NPS of each account with answers in the period."""
    latest = latest_answers(account_ids, start, end)
    rows = Session.execute(select(latest.c.account_id, *_counts(latest)).group_by(latest.c.account_id)).all()
    return {row.account_id: nps_from_counts(int(row.promoters), int(row.passives), int(row.detractors)) for row in rows}


def nps_for(account_ids, start: date, end: date) -> NpsResult:
    """NPS over these accounts together."""
    latest = latest_answers(account_ids, start, end)
    row = Session.execute(select(*_counts(latest))).one()
    return nps_from_counts(int(row.promoters or 0), int(row.passives or 0), int(row.detractors or 0))


def period_starts(start: date, end: date, period: str) -> list[tuple[date, date]]:
    """Calendar months or quarters covering [start, end], clipped to it."""
    step = 3 if period == "quarter" else 1
    month = ((start.month - 1) // step) * step + 1
    cursor = date(start.year, month, 1)
    buckets = []
    while cursor <= end:
        next_month = cursor.month - 1 + step
        following = date(cursor.year + next_month // 12, next_month % 12 + 1, 1)
        buckets.append((max(cursor, start), min(following - timedelta(days=1), end)))
        cursor = following
    return buckets


def nps_trend(account_ids, start: date, end: date, period: str = "month") -> list[tuple[date, date, NpsResult]]:
    """NPS per calendar month or quarter (each respondent's latest answer within each bucket), in one query."""
    buckets = period_starts(start, end, period)
    if not buckets:
        return []
    bucket = case(*[(SurveyResponse.ts < day_start(last + timedelta(days=1)), index)
                    for index, (_first, last) in enumerate(buckets)])
    rank = func.row_number().over(
        partition_by=(SurveyResponse.account_id, SurveyResponse.respondent, bucket),
        order_by=(SurveyResponse.ts.desc(), SurveyResponse.id.desc()),
    ).label("rank")
    ranked = (
        select(bucket.label("bucket"), SurveyResponse.score, rank)
        .where(SurveyResponse.ts >= day_start(start), SurveyResponse.ts < day_start(end + timedelta(days=1)),
               _in_accounts(SurveyResponse.account_id, account_ids))
        .subquery()
    )
    counted = {row.bucket: nps_from_counts(int(row.promoters), int(row.passives), int(row.detractors))
               for row in Session.execute(select(ranked.c.bucket, *_counts(ranked))
                                          .where(ranked.c.rank == 1).group_by(ranked.c.bucket))}
    return [(first, last, counted.get(index) or nps_from_counts(0, 0, 0)) for index, (first, last) in enumerate(buckets)]


def score_distribution(account_ids, start: date, end: date) -> list[int]:
    """How many latest answers gave each score 0..10."""
    latest = latest_answers(account_ids, start, end)
    counts = [0] * 11
    for score, n in Session.execute(select(latest.c.score, func.count()).group_by(latest.c.score)).all():
        counts[score] = n
    return counts


def recent_comments(account_ids, limit: int = 20, since: date | None = None) -> list:
    """The latest answers with a comment: ts, score, comment, respondent, account name and external id."""
    query = (
        select(SurveyResponse.ts, SurveyResponse.score, SurveyResponse.comment, SurveyResponse.respondent,
               Account.name.label("account_name"), Account.external_id)
        .join(Account, Account.id == SurveyResponse.account_id)
        .where(SurveyResponse.comment != "", _in_accounts(SurveyResponse.account_id, account_ids))
        .order_by(SurveyResponse.ts.desc(), SurveyResponse.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(SurveyResponse.ts >= day_start(since))
    return Session.execute(query).all()


def response_rates(account_ids, start: date, end: date) -> dict[int, tuple[int, int]]:
    """Per account: (invitations sent in the period, of which answered)."""
    rows = Session.execute(
        select(SurveyInvitation.account_id, func.count(),
               func.sum(case((SurveyInvitation.answered_at.is_not(None), 1), else_=0)))
        .where(SurveyInvitation.sent_at >= day_start(start), SurveyInvitation.sent_at < day_start(end + timedelta(days=1)),
               _in_accounts(SurveyInvitation.account_id, account_ids))
        .group_by(SurveyInvitation.account_id)
    ).all()
    return {account_id: (int(sent), int(answered or 0)) for account_id, sent, answered in rows}


def promoters(account_ids, start: date, end: date, limit: int = 50) -> list:
    """Respondents whose latest answer in the period is 9 or 10: possible references."""
    latest = latest_answers(account_ids, start, end)
    return Session.execute(
        select(latest.c.respondent, latest.c.score, latest.c.ts, latest.c.comment,
               Account.name.label("account_name"), Account.external_id)
        .join(Account, Account.id == latest.c.account_id)
        .where(latest.c.score >= 9)
        .order_by(latest.c.ts.desc())
        .limit(limit)
    ).all()


def open_detractor_followups(account_ids) -> int:
    """Open detractor follow-ups of these accounts (for the portfolio)."""
    return Session.scalar(select(func.count()).select_from(DetractorFollowup)
                          .where(DetractorFollowup.status == "open",
                                 _in_accounts(DetractorFollowup.account_id, account_ids))) or 0


def followups(account_ids, status: str | None = "open", limit: int = 200) -> list:
    """Follow-ups with their answer and account, newest first."""
    query = (
        select(DetractorFollowup, SurveyResponse, Account)
        .join(SurveyResponse, and_(SurveyResponse.account_id == DetractorFollowup.account_id,
                                   SurveyResponse.id == DetractorFollowup.response_id))
        .join(Account, Account.id == DetractorFollowup.account_id)
        .where(_in_accounts(DetractorFollowup.account_id, account_ids))
        .order_by(DetractorFollowup.created_at.desc(), DetractorFollowup.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(DetractorFollowup.status == status)
    return Session.execute(query).all()


def pending_invitation(user: User) -> SurveyInvitation | None:
    """The user's newest unanswered, unexpired invitation."""
    return Session.scalars(
        select(SurveyInvitation)
        .where(SurveyInvitation.user_id == user.id, SurveyInvitation.answered_at.is_(None),
               SurveyInvitation.expires_at > utcnow())
        .order_by(SurveyInvitation.sent_at.desc())
        .limit(1)
    ).first()


def my_answers(user: User, limit: int = 5) -> list:
    """The user's own recent answers with any published "you said, we did" reply."""
    return Session.execute(
        select(SurveyResponse, DetractorFollowup)
        .outerjoin(DetractorFollowup, and_(DetractorFollowup.account_id == SurveyResponse.account_id,
                                           DetractorFollowup.response_id == SurveyResponse.id))
        .where(SurveyResponse.user_id == user.id)
        .order_by(SurveyResponse.ts.desc())
        .limit(limit)
    ).all()


@dataclass
class GroupNps:
    """NPS of a group of accounts (tier, CSM) with its response rate."""

    label: str
    result: NpsResult
    invited: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        """Answered invitations / sent invitations, as a percentage."""
        return self.answered * 100 / self.invited if self.invited else None


def grouped_nps(account_ids, start: date, end: date, group_of: dict[int, str]) -> list[GroupNps]:
    """NPS per group, summing each account's latest-answer counts (respondents are per account)."""
    by_account = nps_by_account(account_ids, start, end)
    rates = response_rates(account_ids, start, end)
    totals: dict[str, list[int]] = {}
    for account_id, label in group_of.items():
        counts = totals.setdefault(label, [0, 0, 0, 0, 0])
        result = by_account.get(account_id)
        if result is not None:
            counts[0] += result.promoters
            counts[1] += result.passives
            counts[2] += result.detractors
        sent, answered = rates.get(account_id, (0, 0))
        counts[3] += sent
        counts[4] += answered
    return [GroupNps(label, nps_from_counts(c[0], c[1], c[2]), c[3], c[4]) for label, c in sorted(totals.items())]
