"""Reads of the playbook pages, always scoped to what the signed-in user may see."""
from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select

from models.accounts import Account, User
from models.db import Session
from models.playbooks import CsmTask, Playbook, Segment
from portal.access import visible_account_ids, visible_accounts_clause


def _owned(model, user: User):
    """Admins see every row; a CSM sees the rows they own."""
    return True if user.role == "admin" else model.owner_id == user.id


def segments_for(user: User) -> list[Segment]:
    """The segments this user may see and edit."""
    return list(Session.scalars(select(Segment).where(_owned(Segment, user)).order_by(Segment.name, Segment.id)))


def segment_or_404(segment_id: int, user: User) -> Segment:
    """A segment by id if the user may see it; 404 otherwise (unknown and not theirs answer alike)."""
    segment = Session.scalar(select(Segment).where(Segment.id == segment_id, _owned(Segment, user)))
    if segment is None:
        abort(404, "No such segment.")
    return segment


def playbooks_for(user: User) -> list[Playbook]:
    """The playbooks this user may see and edit."""
    return list(Session.scalars(select(Playbook).where(_owned(Playbook, user)).order_by(Playbook.name, Playbook.id)))


def playbook_or_404(playbook_id: int, user: User) -> Playbook:
    """A playbook by id if the user may change it (admins: all; CSMs: their own); 404 otherwise."""
    playbook = Session.scalar(select(Playbook).where(Playbook.id == playbook_id, _owned(Playbook, user)))
    if playbook is None:
        abort(404, "No such playbook.")
    return playbook


def _readable(user: User):
    """A CSM reads their own playbooks and the admins' (shown for their accounts only)."""
    if user.role == "admin":
        return True
    admin_ids = select(User.id).where(User.role == "admin").scalar_subquery()
    return or_(Playbook.owner_id == user.id, Playbook.owner_id.in_(admin_ids))


def shared_playbooks_for(user: User) -> list[Playbook]:
    """Admins' playbooks a CSM may read (results and dry runs on their own accounts); none for admins."""
    if user.role == "admin":
        return []
    return list(Session.scalars(select(Playbook).where(_readable(user), Playbook.owner_id != user.id)
                                .order_by(Playbook.name, Playbook.id)))


def readable_playbook_or_404(playbook_id: int, user: User) -> Playbook:
    """A playbook by id if the user may read its results and dry runs; 404 otherwise."""
    playbook = Session.scalar(select(Playbook).where(Playbook.id == playbook_id, _readable(user)))
    if playbook is None:
        abort(404, "No such playbook.")
    return playbook


def tasks_for(user: User, done: bool) -> list[tuple[CsmTask, Account]]:
    """Open (or done) tasks on the accounts this user may see, oldest first."""
    state = CsmTask.done_at.is_not(None) if done else CsmTask.done_at.is_(None)
    rows = Session.execute(
        select(CsmTask, Account).join(Account, Account.id == CsmTask.account_id)
        .where(visible_accounts_clause(user), state)
        .order_by(CsmTask.created_at.desc() if done else CsmTask.created_at, CsmTask.id).limit(500))
    return [(row.CsmTask, row.Account) for row in rows]


def task_or_404(task_id: int, user: User) -> CsmTask:
    """A task by id, only on an account the user may see; 404 otherwise."""
    task = Session.scalar(select(CsmTask).where(CsmTask.account_id.in_(visible_account_ids(user)), CsmTask.id == task_id))
    if task is None:
        abort(404, "No such task.")
    return task
