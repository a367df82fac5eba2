"""Writes of segments, playbooks and tasks: validate, flush, never commit."""
from __future__ import annotations

import json

from sqlalchemy import delete as sql_delete
from sqlalchemy import select, update

from analytics.playbooks.engine import PlaybookError, check_template
from analytics.playbooks.segments import SegmentError, members, owner_scope, parse_rules, scope_count
from models.accounts import User
from models.db import Session, utcnow
from models.playbooks import CsmTask, Playbook, PlaybookEpisode, Segment
from models.usage import KeyFeature, UsageFeatureDay


def save_segment(segment: Segment | None, *, name: str, rules_text: str, owner: User) -> Segment:
    """Validate and add or change a segment (SegmentError saying what is wrong)."""
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 200:
        raise SegmentError("Give the segment a name of 1 to 200 characters.")
    rules = parse_rules(rules_text)
    if segment is None:
        segment = Segment(owner_id=owner.id)
        Session.add(segment)
    segment.name = name
    segment.rules_json = json.dumps(rules)
    Session.flush()
    return segment


def _feature(key: str | None) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    known = Session.scalar(select(KeyFeature.feature).where(KeyFeature.feature == key)) or Session.scalar(
        select(UsageFeatureDay.feature).where(UsageFeatureDay.feature == key).limit(1))
    if known is None:
        raise PlaybookError(f"There is no feature {key!r}; give the key of a key feature, or leave it empty.")
    return key


def save_playbook(playbook: Playbook | None, *, name: str, segment: Segment, email_subject: str, email_body: str,
                  task_text: str, message_text: str, promoted_feature: str | None, confirm_all: bool,
                  owner: User) -> Playbook:
    """Validate and add or change a playbook (PlaybookError or SegmentError saying what is wrong)."""
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 200:
        raise PlaybookError("Give the playbook a name of 1 to 200 characters.")
    subject = " ".join((email_subject or "").split())
    body = (email_body or "").strip()
    if subject and not body:
        raise PlaybookError("An e-mail needs a body; write one, or leave the subject empty to send no e-mail.")
    if body and not subject:
        raise PlaybookError("An e-mail needs a subject; write one, or leave the body empty to send no e-mail.")
    if not (subject or (task_text or "").strip() or (message_text or "").strip()):
        raise PlaybookError("Give the playbook at least one action: an e-mail, a CSM task or a dashboard message.")
    check_template(subject, "subject")
    check_template(body, "body")
    if subject:
        scope = owner_scope(segment.owner)
        total = scope_count(scope)
        matched = len(members(parse_rules(segment.rules_json), scope))
        if total and matched == total and not confirm_all:
            raise PlaybookError(f"The segment matches every one of the {total} accounts it covers; tick the confirmation "
                                "to mail them all, or narrow the segment.")
    if playbook is None:
        playbook = Playbook(owner_id=owner.id, is_active=False)
        Session.add(playbook)
    playbook.name = name
    playbook.segment_id = segment.id
    playbook.email_subject = subject
    playbook.email_body = body
    playbook.task_text = (task_text or "").strip()
    playbook.message_text = (message_text or "").strip()
    playbook.promoted_feature = _feature(promoted_feature)
    playbook.confirmed_all = bool(confirm_all)
    Session.flush()
    return playbook


def set_task_done(task: CsmTask, user: User, done: bool) -> None:
    """Mark a task done (or open again)."""
    task.done_at = utcnow() if done else None
    task.done_by_id = user.id if done else None
    Session.flush()


def delete_segment(segment: Segment) -> None:
    """Remove a segment that no playbook uses; raises SegmentError naming the playbooks that still use it."""
    users = list(Session.scalars(select(Playbook.name).where(Playbook.segment_id == segment.id).order_by(Playbook.name)))
    if users:
        raise SegmentError(f"Playbooks still target this segment ({', '.join(users)}); "
                           "point them at another segment or delete them first.")
    Session.delete(segment)
    Session.flush()


def delete_playbook(playbook: Playbook) -> None:
    """Remove a playbook with its episodes and sends; its CSM tasks stay, no longer linked to it."""
    # A task's episode_id is NO ACTION (SET NULL would null account_id too once the key is composite on
    # Citus), so the tasks let go of the episodes here; the database cascades the rest of the history.
    episodes = select(PlaybookEpisode.id).where(PlaybookEpisode.playbook_id == playbook.id)
    Session.execute(update(CsmTask).where(CsmTask.episode_id.in_(episodes)).values(episode_id=None))
    Session.execute(sql_delete(Playbook).where(Playbook.id == playbook.id))
    Session.expire_all()
