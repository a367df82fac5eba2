"""Measuring a playbook: accounts reached against the held-out accounts of its segment."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from analytics.playbooks.engine import linked_slugs
from models.accounts import Account
from models.db import Session, utcnow
from models.health import HealthScore
from models.knowledge import Article, KbView
from models.playbooks import Playbook, PlaybookEpisode, PlaybookSend
from models.usage import UsageFeatureDay

HORIZONS = (30, 60, 90)
FOLLOW_DAYS = 90  # article views and feature use count within this many days of entering
BAND_TOLERANCE = 7  # health history may be weekly: a score up to a week older stands for the day
BAND_ORDER = {"red": 0, "yellow": 1, "green": 2}


@dataclass
class GroupResult:
    """Outcomes of one group (reached or held out)."""

    entered: int = 0
    contacted: int = 0
    opened_articles: int = 0
    started_feature: int = 0
    moved: dict = field(default_factory=lambda: {n: {"up": 0, "down": 0, "same": 0, "measured": 0} for n in HORIZONS})

    def share(self, count: int) -> str:
        """count as a percentage of the accounts that entered."""
        return f"{count * 100 / self.entered:.0f}%" if self.entered else "–"


def band_on(history: list[tuple[date, str]], day: date) -> str | None:
    """The band of the latest score at most BAND_TOLERANCE days before `day` in a sorted history, else None."""
    index = bisect_right(history, (day, "~")) - 1
    if index < 0 or history[index][0] < day - timedelta(days=BAND_TOLERANCE):
        return None
    return history[index][1]


def _within(days: list[date], start: date) -> bool:
    return any(start <= day <= start + timedelta(days=FOLLOW_DAYS) for day in days)


def measure(playbook: Playbook, scope=None, today: date | None = None) -> dict[str, GroupResult]:
    """{"reached": ..., "held_out": ...} for the playbook's episodes on accounts in scope."""
    today = today or utcnow().date()
    query = (select(PlaybookEpisode.id, PlaybookEpisode.account_id, PlaybookEpisode.entered_at,
                    PlaybookEpisode.held_out, PlaybookEpisode.band_at_entry)
             .join(Account, Account.id == PlaybookEpisode.account_id)
             .where(PlaybookEpisode.playbook_id == playbook.id))
    if scope is not None:
        query = query.where(scope)
    episodes = Session.execute(query).all()
    groups = {"reached": GroupResult(), "held_out": GroupResult()}
    if not episodes:
        return groups
    account_ids = sorted({e.account_id for e in episodes})
    first_day = min(e.entered_at for e in episodes).date()
    contacted = set(Session.scalars(select(PlaybookSend.episode_id).distinct().where(
        PlaybookSend.playbook_id == playbook.id, PlaybookSend.held_out.is_(False))))
    article_days = _article_days(playbook, account_ids, first_day)
    feature_days: dict[int, list[date]] = {}
    if playbook.promoted_feature:
        for account_id, day in Session.execute(
                select(UsageFeatureDay.account_id, UsageFeatureDay.day).where(
                    UsageFeatureDay.account_id.in_(account_ids), UsageFeatureDay.feature == playbook.promoted_feature,
                    UsageFeatureDay.day >= first_day, UsageFeatureDay.events > 0)):
            feature_days.setdefault(account_id, []).append(day)
    history: dict[int, list[tuple[date, str]]] = {}
    for account_id, as_of, band in Session.execute(
            select(HealthScore.account_id, HealthScore.as_of, HealthScore.band).where(
                HealthScore.account_id.in_(account_ids), HealthScore.as_of >= first_day)
            .order_by(HealthScore.account_id, HealthScore.as_of)):
        history.setdefault(account_id, []).append((as_of, band))
    for episode in episodes:
        group = groups["held_out" if episode.held_out else "reached"]
        start = episode.entered_at.date()
        group.entered += 1
        group.contacted += episode.id in contacted
        group.opened_articles += _within(article_days.get(episode.account_id, []), start)
        group.started_feature += _within(feature_days.get(episode.account_id, []), start)
        for n in HORIZONS:
            target = start + timedelta(days=n)
            later = band_on(history.get(episode.account_id, []), target) if target <= today else None
            if episode.band_at_entry is None or later is None:
                continue
            change = BAND_ORDER[later] - BAND_ORDER[episode.band_at_entry]
            group.moved[n]["measured"] += 1
            group.moved[n]["up" if change > 0 else "down" if change < 0 else "same"] += 1
    return groups


def _article_days(playbook: Playbook, account_ids: list[int], first_day: date) -> dict[int, list[date]]:
    """Days each account viewed an article the playbook links."""
    slugs = linked_slugs(playbook.email_body)
    if not slugs:
        return {}

    since = datetime.combine(first_day, time(), tzinfo=timezone.utc)
    days: dict[int, list[date]] = {}
    for account_id, ts in Session.execute(
            select(KbView.account_id, KbView.ts).join(Article, Article.id == KbView.article_id)
            .where(KbView.account_id.in_(account_ids), Article.slug.in_(slugs), KbView.ts >= since)):
        days.setdefault(account_id, []).append(ts.date())
    return days
