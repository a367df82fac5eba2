"""The portal's door onto core.webhooks: flush with a warning mail to admins, a flush job after each commit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select

from core.webhooks.delivery import FlushReport, flush_webhooks
from core.webhooks.outbox import QUEUED_FLAG
from models.accounts import User
from models.db import Session
from models.webhooks import WebhookEndpoint
from portal import jobs
from portal.mail.outbox import queue_mail


def warn_admins(endpoint: WebhookEndpoint) -> int:
    """Queue one mail to every active admin: this endpoint was disabled after a day of failures."""
    admins = Session.scalars(select(User).where(User.role == "admin", User.is_active.is_(True))).all()
    for admin in admins:
        queue_mail(admin.email, "A webhook endpoint was disabled", "notice", kind="webhook_disabled",
                   greeting=f"Hello {admin.name or admin.email},",
                   text=(f"Deliveries to {endpoint.url} failed for a day, so the portal stopped sending to it. "
                         f"{endpoint.disabled_reason} Fix the endpoint, then enable it again on the webhooks page: "
                         "the messages it missed are sent then."),
                   link_label="Webhooks", link=None)
    return len(admins)


def flush(now: datetime | None = None, limit: int | None = None) -> FlushReport:
    """Deliver due webhook messages; admins are mailed about endpoints disabled on the way."""
    return flush_webhooks(now=now, limit=limit, on_disabled=warn_admins)


@event.listens_for(Session, "after_commit")
def _flush_soon_after_commit(session) -> None:
    # Committed messages are worth a flush job; without Redis the `webhooks flush` cron line delivers them.
    if session.info.pop(QUEUED_FLAG, False):
        jobs.enqueue_after_request("webhooks.flush")


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(QUEUED_FLAG, None)
