"""Demo NPS data: quarterly survey waves over the demo year whose answers follow each account's story.

healthy: mostly promoters; declining: good answers early, detractors in the last months;
recovering: detractors during the dip, promoters again lately; new: a first wave of
mostly passives. Old detractor follow-ups are closed (some with a published reply),
recent ones are open. The first demo customer has a pending invitation in the outbox.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from flask import has_app_context
from sqlalchemy import insert, update

from models.db import Session
from models.surveys import ContactRequest, DetractorFollowup, SurveyInvitation, SurveyResponse
from models.usage import EngagementEvent
from surveys.nps.campaigns import CONTACT_KIND, INVITATION_LIFETIME, default_campaign, invite, token_for

WAVE_EVERY_DAYS = 91
ANSWER_RATE = {"healthy": 0.55, "declining": 0.4, "recovering": 0.45, "new": 0.5}
COMMENTS = {
    "promoter": ["The dashboards save us hours every week.", "Support answers fast and knows the product.",
                 "Our whole team relies on it now.", "Scheduled reports changed how we run Monday meetings.", ""],
    "passive": ["Good, but exports could be faster.", "Works well; the setup took a while.",
                "Useful; we would like more integrations.", ""],
    "detractor": ["Too slow for our larger reports.", "We lost the person who championed it internally.",
                  "Hard to get my colleagues to use it.", "Pricing is hard to justify with our current usage.",
                  "Support took a week to answer."],
}
REPLIES = ["You told us large reports were slow; they now run in the background and e-mail you when ready.",
           "Thanks for the frank answer: we ran a training session for your new team members in March.",
           "We changed our support rota; first answers now come within one business day."]


def _score(rng, story: str, days_ago: int) -> int:
    """A score that fits the account's story at that time."""
    if story == "declining":
        weights = (0.55, 0.3, 0.15) if days_ago < 100 else (0.05, 0.35, 0.6)
    elif story == "recovering":
        weights = (0.6, 0.3, 0.1) if 90 <= days_ago < 200 else (0.1, 0.35, 0.55) if days_ago < 90 else (0.2, 0.45, 0.35)
    elif story == "new":
        weights = (0.15, 0.55, 0.3)
    else:
        weights = (0.08, 0.27, 0.65)
    kind = rng.choices(("detractor", "passive", "promoter"), weights)[0]
    return rng.randint(0, 6) if kind == "detractor" else rng.randint(7, 8) if kind == "passive" else rng.randint(9, 10)


def _token_hash(salt: str) -> str:
    token = token_for(salt) if has_app_context() else salt
    return hashlib.sha256(token.encode()).hexdigest()


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    table = model.__table__
    result = Session.connection().execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def seed_surveys(ctx) -> None:
    """Campaign waves, invitations, answers, engagement, contacts and follow-ups for every demo account."""
    rng = ctx.rng
    campaign = default_campaign()
    today = datetime.combine(ctx.today, time(9, 0), tzinfo=timezone.utc)
    waves = [today - timedelta(days=d) for d in range(ctx.days - 10 - (ctx.days - 17) % WAVE_EVERY_DAYS, 6, -WAVE_EVERY_DAYS)]
    invitations: list[dict] = []
    answers: list[tuple[int, dict]] = []  # (index into invitations, response fields)
    contacts: list[dict] = []
    for account in ctx.accounts:
        story = ctx.stories[account.id]
        since = datetime.combine(account.customer_since, time(0, 0), tzinfo=timezone.utc)
        for wave in waves:
            if wave < since + timedelta(days=14):
                continue
            contacts.append({"account_id": account.id, "user_id": None, "kind": CONTACT_KIND, "ts": wave})
            days_ago = (today - wave).days
            for user in ctx.customers[account.id]:
                salt = "%032x" % rng.getrandbits(128)
                answered = rng.random() < ANSWER_RATE[story]
                answered_at = wave + timedelta(hours=rng.randint(1, 24 * 6)) if answered else None
                invitations.append({
                    "campaign_id": campaign.id, "account_id": account.id, "user_id": user.id, "email": user.email,
                    "token_salt": salt, "token_hash": _token_hash(salt), "sent_at": wave,
                    "expires_at": wave + INVITATION_LIFETIME, "answered_at": answered_at,
                    "reminded_at": wave + timedelta(days=4) if answered_at is None or answered_at > wave + timedelta(days=4) else None,
                })
                if answered:
                    score = _score(rng, story, days_ago)
                    kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                    answers.append((len(invitations) - 1, {
                        "account_id": account.id, "respondent": user.email, "user_id": user.id, "score": score,
                        "comment": rng.choice(COMMENTS[kind]), "ts": answered_at}))
    invitation_ids = _insert_returning_ids(SurveyInvitation, invitations)
    response_rows = [{**fields, "client_id": f"inv:{invitation_ids[index]}"} for index, fields in answers]
    response_ids = _insert_returning_ids(SurveyResponse, response_rows)
    if response_ids:
        # An update by primary key names the whole key: (account_id, id).
        Session.execute(update(SurveyInvitation), [
            {"id": invitation_ids[index], "account_id": fields["account_id"], "response_id": response_id}
            for (index, fields), response_id in zip(answers, response_ids)])
    if contacts:
        Session.execute(insert(ContactRequest), contacts)
    if response_rows:
        Session.execute(insert(EngagementEvent), [
            {"account_id": r["account_id"], "user_id": r["user_id"], "kind": "survey_answer", "ts": r["ts"]}
            for r in response_rows])
    followups = []
    for row, response_id in zip(response_rows, response_ids):
        if row["score"] > 6:
            continue
        old = (today - row["ts"]).days > 30
        account = next(a for a in ctx.accounts if a.id == row["account_id"])
        reply = rng.choice(REPLIES) if old and rng.random() < 0.5 else ""
        followups.append({
            "account_id": row["account_id"], "response_id": response_id, "status": "closed" if old else "open",
            "note": "Called the respondent and agreed next steps." if old else "", "reply": reply,
            "reply_published_at": row["ts"] + timedelta(days=9) if reply else None,
            "created_at": row["ts"], "closed_at": row["ts"] + timedelta(days=8) if old else None,
            "closed_by_id": account.csm_id if old else None,
        })
    if followups:
        Session.execute(insert(DetractorFollowup), followups)
    Session.flush()
    _pending_invitation_for_first_customer(ctx, campaign)


def _pending_invitation_for_first_customer(ctx, campaign) -> None:
    """Give the demo customer an open survey (dashboard card, outbox page) with a real mail."""
    if not has_app_context() or not ctx.accounts:
        return
    account = ctx.accounts[0]
    invite(campaign, ctx.customers[account.id][0], account)
