"""Writes of the NPS feature: answers, imported responses, detractor follow-ups (validate, flush, never commit)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from core.engagement import record_engagement
from core.outbox import queue_mail
from core.webhooks.outbox import Event, emit_all
from models.accounts import Account, User
from models.db import Session, is_postgres, utcnow
from models.surveys import DetractorFollowup, SurveyInvitation, SurveyResponse
from surveys.nps.score import score_class
from core.mail_headers import NOTIFICATION_HEADERS

MAX_COMMENT = 5000  # characters; longer comments are refused with a message
IMPORT_FOLLOWUP_DAYS = 14  # imported detractor answers newer than this raise a follow-up too


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is a sentence for the respondent."""


def lock_invitation(invitation_id: int, account_id: int) -> SurveyInvitation | None:
    """Reload an invitation holding its row lock (PostgreSQL), so two submissions cannot both count."""
    # The whole key (account_id, id): one index probe here, one shard on Citus.
    query = select(SurveyInvitation).where(SurveyInvitation.account_id == account_id, SurveyInvitation.id == invitation_id)
    if is_postgres(Session):
        query = query.with_for_update()
    return Session.scalars(query.execution_options(populate_existing=True)).first()


def invitation_state(invitation: SurveyInvitation, now: datetime | None = None) -> str:
    """open, answered or expired."""
    if invitation.answered_at is not None:
        return "answered"
    expires = invitation.expires_at
    now = now or utcnow()
    if expires.tzinfo is None:
        now = now.replace(tzinfo=None)
    return "expired" if expires <= now else "open"


def answer_invitation(invitation: SurveyInvitation, score: int, comment: str) -> SurveyResponse | None:
    """Store the answer of an open invitation; None when it was already answered (nothing changes)."""
    invitation = lock_invitation(invitation.id, invitation.account_id)
    if invitation is None or invitation_state(invitation) == "answered":
        return None
    if invitation_state(invitation) == "expired":
        raise AnswerError("This survey link has expired.")
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
        raise AnswerError("Choose a score from 0 to 10.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise AnswerError(f"Please keep the comment under {MAX_COMMENT:,} characters.")
    now = utcnow()
    response = SurveyResponse(account_id=invitation.account_id, client_id=f"inv:{invitation.id}",
                              respondent=invitation.email, user_id=invitation.user_id, score=score,
                              comment=comment, ts=now)
    Session.add(response)
    Session.flush()
    invitation.answered_at = now
    invitation.response_id = response.id
    record_engagement(invitation.account_id, invitation.user_id, "survey_answer")
    if score_class(score) == "detractor":
        raise_followup(response)
    emit_answer_webhooks([response])
    Session.flush()
    return response


def emit_answer_webhooks(responses: list[SurveyResponse]) -> int:
    """Queue nps.response (and nps.detractor for scores 0..6) for each answer, however it arrived."""
    if not responses:
        return 0
    exts = dict(Session.execute(select(Account.id, Account.external_id)
                                .where(Account.id.in_({r.account_id for r in responses}))).all())
    events = []
    for response in responses:
        data = {"respondent": response.respondent, "score": response.score, "comment": response.comment,
                "category": score_class(response.score), "answered_at": response.ts.isoformat()}
        events.append(Event("nps.response", response.account_id, exts[response.account_id], data))
        if score_class(response.score) == "detractor":
            events.append(Event("nps.detractor", response.account_id, exts[response.account_id], data))
    return emit_all(events)


def raise_followup(response: SurveyResponse, send_mail: bool = True) -> DetractorFollowup:
    """Open a follow-up for a detractor's answer and queue ONE e-mail to the account's CSM."""
    existing = Session.scalar(select(DetractorFollowup).where(DetractorFollowup.account_id == response.account_id,
                                                              DetractorFollowup.response_id == response.id))
    if existing is not None:
        return existing
    followup = DetractorFollowup(account_id=response.account_id, response_id=response.id, status="open",
                                 created_at=utcnow())
    Session.add(followup)
    Session.flush()
    account = Session.get(Account, response.account_id)
    csm = Session.get(User, account.csm_id) if account.csm_id else None
    if send_mail and csm is not None and csm.is_active:
        queue_mail(csm.email, f"Detractor at {account.name}: {response.score}/10", "nps_detractor",
                   account_id=account.id, kind="nps_detractor", headers=NOTIFICATION_HEADERS, csm_name=csm.name or csm.email,
                   respondent=response.respondent, account_name=account.name, score=response.score,
                   comment=response.comment, linked=response.user_id is not None,
                   link=f"{current_app.config['PORTAL_BASE_URL']}/surveys/followups/{followup.id}")
    return followup


@dataclass
class ImportItem:
    """One validated response of an API import."""

    account_id: int
    client_id: str
    respondent: str
    score: int
    comment: str
    ts: datetime


def respondent_key(respondent: str) -> str:
    """How a respondent is stored and told apart: an e-mail in lower case, a vendor's id as sent."""
    # E-mail addresses are case-insensitive in practice (users are stored lower-cased too), so
    # "Jane@X.com" and "jane@x.com" are one person whose latest answer counts once.
    return respondent.lower() if "@" in respondent else respondent


def respondent_people(items: list[ImportItem]) -> dict[tuple[int, str], int]:
    """(account id, respondent in lower case) -> the id of that account's customer with this e-mail or vendor id."""
    keys = sorted({item.respondent.lower() for item in items} | {item.respondent for item in items})
    account_ids = sorted({item.account_id for item in items})
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        rows = Session.execute(select(User.id, User.account_id, User.email, User.external_id).where(
            User.role == "customer", User.account_id.in_(account_ids),
            or_(func.lower(User.email).in_(chunk), User.external_id.in_(chunk)))).all()
        for row in rows:
            if row.external_id:
                found.setdefault((row.account_id, row.external_id.lower()), row.id)
            found[(row.account_id, row.email.lower())] = row.id  # an e-mail match wins over a vendor id
    return found


def import_responses(items: list[ImportItem]) -> tuple[int, int]:
    """Store validated responses, skipping (account, id) pairs already stored; (accepted, duplicates)."""
    if not items:
        return 0, 0
    keys = {(item.account_id, item.client_id) for item in items}
    stored = set()
    account_ids = sorted({key[0] for key in keys})
    for account_id in account_ids:
        client_ids = [key[1] for key in keys if key[0] == account_id]
        for start in range(0, len(client_ids), 500):
            stored.update((account_id, cid) for cid in Session.scalars(
                select(SurveyResponse.client_id).where(SurveyResponse.account_id == account_id,
                                                       SurveyResponse.client_id.in_(client_ids[start:start + 500]))))
    accepted = duplicates = 0
    seen: set[tuple[int, str]] = set()
    people = respondent_people(items)
    recent = utcnow() - timedelta(days=IMPORT_FOLLOWUP_DAYS)
    new_responses = []
    for item in items:
        key = (item.account_id, item.client_id)
        if key in stored or key in seen:
            duplicates += 1
            continue
        seen.add(key)
        response = SurveyResponse(account_id=item.account_id, client_id=item.client_id,
                                  respondent=respondent_key(item.respondent),
                                  score=item.score, comment=item.comment, ts=item.ts,
                                  user_id=people.get((item.account_id, item.respondent.lower())))
        Session.add(response)
        new_responses.append(response)
        accepted += 1
    Session.flush()
    for response in new_responses:
        if score_class(response.score) == "detractor" and response.ts >= recent:
            raise_followup(response)
    emit_answer_webhooks(new_responses)  # answers through the API raise the same events as in the portal
    Session.flush()
    return accepted, duplicates


def close_followup(followup: DetractorFollowup, *, note: str, reply: str, publish_reply: bool, closed_by: User,
                   close: bool) -> None:
    """Record the CSM's note, optionally publish the reply, and close the follow-up (flushes)."""
    followup.note = (note or "").strip()[:MAX_COMMENT]
    followup.reply = (reply or "").strip()[:MAX_COMMENT]
    if publish_reply and followup.reply:
        followup.reply_published_at = followup.reply_published_at or utcnow()
    elif not publish_reply:
        followup.reply_published_at = None
    if close and followup.status == "open":
        followup.status = "closed"
        followup.closed_at = utcnow()
        followup.closed_by_id = closed_by.id
    elif not close and followup.status == "closed":
        followup.status = "open"
        followup.closed_at = None
        followup.closed_by_id = None
    Session.flush()
