"""Segments, playbooks, their episodes and sends, mail unsubscribes and CSM tasks."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.accounts import User
from models.db import Base, account_foreign_key, account_key, utcnow


class Segment(Base):
    """A named group of accounts defined by rules over what the portal knows (evaluated in SQL)."""

    __tablename__ = "segment"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    name: Mapped[str] = mapped_column(String(200))  # label for staff
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)  # CSM or admin who owns it; a CSM's segment covers their accounts only
    rules_json: Mapped[str] = mapped_column(Text, default='{"rules": []}')  # validated rules, see analytics.segments
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)  # last edit

    owner: Mapped[Optional[User]] = relationship()


class Playbook(Base):
    """What happens to the accounts of a segment: an e-mail, a CSM task and an in-portal message."""

    __tablename__ = "playbook"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("email_subject = '' OR length(email_body) > 0", name="subject_has_body"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # database key
    name: Mapped[str] = mapped_column(String(200))  # label for staff
    segment_id: Mapped[int] = mapped_column(ForeignKey("segment.id", ondelete="RESTRICT"), index=True)  # who it targets
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)  # CSM or admin who owns it
    email_subject: Mapped[str] = mapped_column(String(200), default="")  # '' : the playbook sends no e-mail
    email_body: Mapped[str] = mapped_column(Text, default="")  # Markdown with checked placeholders
    task_text: Mapped[str] = mapped_column(Text, default="")  # '' : no task for the CSM
    message_text: Mapped[str] = mapped_column(Text, default="")  # '' : no message on the dashboard
    promoted_feature: Mapped[Optional[str]] = mapped_column(String(200))  # feature key whose adoption measures success
    confirmed_all: Mapped[bool] = mapped_column(default=False)  # owner confirmed mailing a segment that matches every account
    is_active: Mapped[bool] = mapped_column(default=False)  # evaluated by `playbooks run`
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # row creation
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)  # last edit

    segment: Mapped[Segment] = relationship()
    owner: Mapped[Optional[User]] = relationship()


class PlaybookEpisode(Base):
    """An account's stay in a playbook's segment: from entering to leaving; held out or not."""

    __tablename__ = "playbook_episode"
    __table_args__ = (
        account_key(),
        CheckConstraint("left_at IS NULL OR left_at >= entered_at", name="left_after_entered"),
        CheckConstraint("band_at_entry IS NULL OR band_at_entry IN ('red', 'yellow', 'green')", name="band_known"),
        Index("ix_playbook_episode_playbook_account", "playbook_id", "account_id"),
        Index("ix_playbook_episode_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbook.id", ondelete="CASCADE"))  # which playbook
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # which account
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # first run that found it in the segment
    left_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # first run that no longer did; NULL: still in
    held_out: Mapped[bool] = mapped_column(default=False)  # in the hold-out group: never contacted, for comparison
    band_at_entry: Mapped[Optional[str]] = mapped_column(String(10))  # health band on entering, when known
    task_created: Mapped[bool] = mapped_column(default=False)  # the CSM task of this episode exists


class PlaybookSend(Base):
    """One person reached (or, when held out, deliberately not reached) by a playbook in an episode."""

    __tablename__ = "playbook_send"
    __table_args__ = (
        account_key(),
        UniqueConstraint("episode_id", "user_id", "account_id"),
        account_foreign_key("playbook_send", "episode_id", "playbook_episode", ondelete="CASCADE"),
        Index("ix_playbook_send_playbook", "playbook_id"),
        Index("ix_playbook_send_account", "account_id"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbook.id", ondelete="CASCADE"))  # which playbook
    episode_id: Mapped[int] = mapped_column()  # which episode (with account_id, a key of playbook_episode)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # the person's account
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))  # the person
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when queued (or held out)
    held_out: Mapped[bool] = mapped_column(default=False)  # True: not mailed because the account is held out


class MailUnsubscribe(Base):
    """A person who unsubscribed from one kind of mail (e.g. playbook)."""

    __tablename__ = "mail_unsubscribe"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)  # who
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)  # kind of mail, e.g. playbook
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when


class CsmTask(Base):
    """A task for the CSM of an account, raised by a playbook."""

    __tablename__ = "csm_task"
    __table_args__ = (
        account_key(),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
        account_foreign_key("csm_task", "episode_id", "playbook_episode"),
        Index("ix_csm_task_account_done", "account_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(autoincrement=True)  # database key; the primary key is (account_id, id)
    __mapper_args__ = {"primary_key": [id]}  # the ORM identity stays id (Session.get, relationships)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))  # the account it is about
    playbook_id: Mapped[Optional[int]] = mapped_column(ForeignKey("playbook.id", ondelete="SET NULL"), index=True)  # raised by
    episode_id: Mapped[Optional[int]] = mapped_column()  # in which episode (NO ACTION: delete_playbook clears it)
    csm_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)  # assigned CSM
    text: Mapped[str] = mapped_column(Text)  # what to do
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)  # when raised
    done_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))  # when done; NULL: open
    done_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # who marked it done
