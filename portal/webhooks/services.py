"""The portal's door onto core.webhooks: flush with a warning mail to admins (portal/jobs.py queues the flush job)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.outbox import queue_mail
from core.webhooks.delivery import FlushReport, flush_webhooks
from models.accounts import User
from models.db import Session
from models.webhooks import WebhookEndpoint


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
