"""Early warnings for CSMs: raised by health recompute, once per episode, mailed once each."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import select

from analytics.health.history import midnight, score_on
from core.outbox import queue_mail
from core.webhooks.outbox import Event, emit_all
from core.mail_headers import NOTIFICATION_HEADERS
from models.accounts import Account, User
from models.db import Session, utcnow
from models.health import HealthWarning
from models.surveys import SurveyResponse

USAGE_DROP = 0.30  # active users down this much over 4 weeks against the 4 before
LOW_UTILISATION = 0.30  # under this share of seats used in 28 days
NO_LOGIN_DAYS = 14
DETRACTOR_LOOKBACK_DAYS = 30
BAND_RANK = {"red": 0, "yellow": 1, "green": 2}
KIND_TITLES = {
    "usage_drop": "Active users dropped",
    "low_utilisation": "Low seat utilisation",
    "detractor": "Detractor answer",
    "no_login": "No login",
    "band_drop": "Health band dropped",
    "maturity_drop": "Maturity level dropped",
}
# Conditions that last (an episode ends when the condition stops holding); the others are events.
# Detractor answers form one episode per account while any answered in the last 30 days, so a wave of
# answers is one warning with its count, not one mail per answer.
STATE_KINDS = ("usage_drop", "low_utilisation", "no_login", "detractor")
# Kinds whose source already mails the CSM when it happens (the NPS follow-up for a detractor,
# the maturity-drop notice), so the warning is listed in the portfolio without a second mail.
MAILED_AT_SOURCE = ("detractor", "maturity_drop")


@dataclass
class Finding:
    """A condition that holds for an account on a day."""

    account_id: int
    kind: str
    figures: dict
    message: str
    event_key: Optional[str] = None  # events carry their own key; states get one when their episode starts


def find_conditions(as_of: date, facts: dict, results: dict, previous_bands: dict[int, str],
                    detractors: list[tuple], onboarding: frozenset[int] = frozenset()) -> list[Finding]:
    """Every warning condition that holds on as_of (pure: plain figures in, findings out).

    An onboarding account has too little usage to judge: it gets no usage warning (a detractor's answer or a
    lower maturity level still warn).
    """
    findings = []
    for account_id, f in facts.items():
        inp = f.inputs
        old_enough = (as_of - f.customer_since).days >= 28
        judged = account_id not in onboarding
        if judged and inp.user_days_prev_28d > 0:
            change = inp.user_days_28d / inp.user_days_prev_28d - 1
            if change <= -USAGE_DROP:
                findings.append(Finding(account_id, "usage_drop", {
                    "active_user_days_last_4_weeks": inp.user_days_28d,
                    "active_user_days_previous_4_weeks": inp.user_days_prev_28d,
                    "change_percent": round(change * 100, 1)},
                    f"Active users fell {abs(change):.0%} over the last 4 weeks against the 4 before "
                    f"({inp.user_days_prev_28d} → {inp.user_days_28d} user-days)."))
        if judged and inp.seats > 0 and old_enough and inp.users_28d / inp.seats < LOW_UTILISATION:
            findings.append(Finding(account_id, "low_utilisation", {
                "users_28d": inp.users_28d, "seats": inp.seats,
                "utilisation_percent": round(inp.users_28d / inp.seats * 100, 1)},
                f"Only {inp.users_28d} of {inp.seats} seats ({inp.users_28d / inp.seats:.0%}) were used in the last 28 days."))
        days_since_login = (as_of - f.last_login_day).days if f.last_login_day else (as_of - f.customer_since).days
        if judged and days_since_login >= NO_LOGIN_DAYS:
            findings.append(Finding(account_id, "no_login", {
                "last_login_day": f.last_login_day.isoformat() if f.last_login_day else None,
                "days_without_login": days_since_login},
                f"Nobody has logged in for {days_since_login} days"
                + (f" (last login {f.last_login_day.isoformat()})." if f.last_login_day else " (no login recorded yet).")))
        result = results.get(account_id)
        before = previous_bands.get(account_id)
        if result is not None and before is not None and BAND_RANK[result.band] < BAND_RANK[before]:
            findings.append(Finding(account_id, "band_drop", {"from": before, "to": result.band, "score": result.score},
                                    f"Health fell from {before} to {result.band} (score {result.score:.0f}).",
                                    event_key=f"{as_of.isoformat()}:{before}>{result.band}"))
        if inp.maturity_level is not None and f.maturity_previous is not None and inp.maturity_level < f.maturity_previous:
            findings.append(Finding(account_id, "maturity_drop",
                                    {"previous_level": f.maturity_previous, "latest_level": inp.maturity_level},
                                    f"The latest maturity assessment is level {inp.maturity_level}, "
                                    f"down from level {f.maturity_previous}.",
                                    event_key=f"{f.maturity_previous}>{inp.maturity_level}"))
    latest_detractor: dict[int, tuple] = {}
    detractor_count: dict[int, int] = {}
    for response_id, account_id, respondent, score, ts in detractors:
        detractor_count[account_id] = detractor_count.get(account_id, 0) + 1
        if account_id not in latest_detractor or (ts, response_id) > latest_detractor[account_id][:2]:
            latest_detractor[account_id] = (ts, response_id, respondent, score)
    for account_id, (ts, _, respondent, score) in latest_detractor.items():
        if account_id in facts:
            n = detractor_count[account_id]
            findings.append(Finding(account_id, "detractor", {
                "detractor_answers_30d": n, "latest_respondent": respondent, "latest_score": score,
                "latest_answered_at": ts.isoformat()},
                f"{n} detractor answer{'s' if n != 1 else ''} (0 to 6) in the last {DETRACTOR_LOOKBACK_DAYS} days; "
                f"the latest: {respondent} gave {score} out of 10."))
    return findings


def _detractors(as_of: date) -> list[tuple]:
    return Session.execute(
        select(SurveyResponse.id, SurveyResponse.account_id, SurveyResponse.respondent, SurveyResponse.score, SurveyResponse.ts)
        .where(SurveyResponse.score <= 6,
               SurveyResponse.ts >= midnight(as_of - timedelta(days=DETRACTOR_LOOKBACK_DAYS - 1)),
               SurveyResponse.ts < midnight(as_of + timedelta(days=1)))
    ).all()


def _previous_bands(as_of: date, account_ids: list[int]) -> dict[int, str]:
    return {a: row.band for a, row in score_on(account_ids, as_of - timedelta(days=1), summary=True).items()}


def raise_warnings(as_of: date, facts: dict, results: dict,
                   onboarding: frozenset[int] = frozenset()) -> list[HealthWarning]:
    """Raise new warnings, clear ended episodes, and queue one mail per new warning (flushes)."""
    findings = find_conditions(as_of, facts, results, _previous_bands(as_of, list(facts)), _detractors(as_of),
                               onboarding)
    existing = Session.scalars(select(HealthWarning).where(HealthWarning.account_id.in_(list(facts)))).all() if facts else []
    open_states = {(w.account_id, w.kind): w for w in existing if w.kind in STATE_KINDS and w.cleared_at is None}
    known_keys = {(w.account_id, w.kind, w.episode_key) for w in existing}
    now = utcnow()
    holding = set()
    new = []
    for finding in findings:
        if finding.kind in STATE_KINDS:
            holding.add((finding.account_id, finding.kind))
            if (finding.account_id, finding.kind) in open_states:
                continue
            key = f"since:{as_of.isoformat()}"
        else:
            key = finding.event_key
        if (finding.account_id, finding.kind, key) in known_keys:
            continue
        known_keys.add((finding.account_id, finding.kind, key))
        warning = HealthWarning(account_id=finding.account_id, kind=finding.kind, episode_key=key, as_of=as_of,
                                figures_json=json.dumps(finding.figures), message=finding.message, raised_at=now)
        Session.add(warning)
        new.append(warning)
    for (account_id, kind), warning in open_states.items():
        if (account_id, kind) not in holding:
            warning.cleared_at = now
    Session.flush()
    mail_pending()
    _emit_raised(new)
    return new


def _emit_raised(new: list[HealthWarning]) -> int:
    """Queue warning.raised for each new warning (same transaction)."""
    if not new:
        return 0
    exts = dict(Session.execute(select(Account.id, Account.external_id)
                                .where(Account.id.in_({w.account_id for w in new}))).all())
    return emit_all([Event("warning.raised", w.account_id, exts[w.account_id],
                           {"kind": w.kind, "message": w.message, "as_of": w.as_of.isoformat(),
                            "figures": json.loads(w.figures_json)}) for w in new])


def mail_pending() -> int:
    """Queue one mail to the CSM for each warning not mailed yet."""
    rows = Session.execute(
        select(HealthWarning, Account, User)
        .join(Account, Account.id == HealthWarning.account_id)
        .join(User, User.id == Account.csm_id)
        .where(HealthWarning.mailed_at.is_(None), HealthWarning.resolved_at.is_(None))
    ).all()
    for warning, account, csm in rows:
        if warning.kind in MAILED_AT_SOURCE:
            warning.mailed_at = utcnow()
            continue
        queue_mail(csm.email, f"Early warning: {account.name}: {KIND_TITLES[warning.kind].lower()}", "warning",
                   account_id=account.id, kind="health_warning", headers=NOTIFICATION_HEADERS,
                   warning=warning, account=account, csm=csm,
                   title=KIND_TITLES[warning.kind], figures=json.loads(warning.figures_json))
        warning.mailed_at = utcnow()
    Session.flush()
    return len(rows)


def figures_of(warning: HealthWarning) -> dict:
    """The figures that triggered a warning."""
    return json.loads(warning.figures_json or "{}")
