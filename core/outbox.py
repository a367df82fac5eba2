"""The mail outbox: queue_mail() stores a message in the current transaction; flush_outbox() delivers.

Delivery claims one message at a time in its own transaction (SELECT ... FOR UPDATE SKIP
LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE write lock serialises flushes), sends it,
records the attempt and commits, so two flushes never send the same message and a crash
loses nothing. A failed attempt is retried after an exponential back-off; after
MAX_ATTEMPTS the message is marked failed and kept for an admin to read.

When a request's commit holds queued mail and REDIS_URL is set, portal/jobs.py (which listens for
commits) queues one `mail.flush` job as the response is made; otherwise the `mail flush` cron line sends it.
"""
from __future__ import annotations

import json
import smtplib
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlparse

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import event, func, select

from core.branding import get_brand
from models.db import Session, is_postgres, utcnow
from models.mail import OutboxAttempt, OutboxMessage

MAX_ATTEMPTS = 10
MAIL_QUEUED = "portal.mail_queued"  # session.info flag: this transaction queued mail
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# Errors that say the server (not this message) is unusable: stop the batch, keep the rest queued.
SERVER_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError,
                 ConnectionError, socket.timeout, OSError)


@dataclass
class FlushReport:
    """What one flush did."""

    sent: int = 0  # accepted by the mail server
    failed: int = 0  # attempts that failed (the messages stay queued unless they ran out of attempts)
    remaining: int = 0  # messages still queued after the flush
    server_error: str = ""  # set when the mail server could not be used at all

    def summary(self) -> str:
        """One line for people."""
        line = f"{self.sent} sent, {self.failed} failed, {self.remaining} still queued."
        if self.server_error:
            line += f" Mail server problem: {self.server_error}"
        return line


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: 1, 2, 4, ... minutes, at most 6 hours."""
    delay = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(delay, LONGEST_RETRY)


def _message_id_domain() -> str:
    host = urlparse(current_app.config.get("PORTAL_BASE_URL", "")).hostname
    return host or "localhost"


def is_deliverable(address: str) -> bool:
    """False for addresses that can never receive mail (RFC 2606 .invalid, e.g. people known only by a vendor id)."""
    domain = address.strip().rpartition("@")[2].lower()
    return bool(domain) and not (domain == "invalid" or domain.endswith(".invalid"))


def queue_mail(to: str, subject: str, template: str, *, account_id: int | None = None, kind: str = "",
               headers: dict[str, str] | None = None, **context) -> OutboxMessage:
    """Render templates/email/<template>.txt and .html and add the message to the outbox (flushes, never sends).

    `headers` are extra header fields kept with the message and sent on every attempt
    (core/mail_headers.py builds List-Unsubscribe, Auto-Submitted and Reply-To).

    A message to an address that can never receive mail is kept, marked failed, so it is
    visible in the outbox but never retried.
    """
    deliverable = is_deliverable(to)
    context.setdefault("base_url", current_app.config["PORTAL_BASE_URL"])
    context.setdefault("subject", subject)
    message = OutboxMessage(
        message_id=make_msgid(domain=_message_id_domain()),
        to_address=to.strip(),
        subject=" ".join(subject.split())[:300],
        body_text=render_template(f"email/{template}.txt", **context),
        body_html=render_template(f"email/{template}.html", **context),
        kind=kind[:50],
        headers_json=json.dumps(headers or {}),
        account_id=account_id,
        status="queued" if deliverable else "failed",
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="" if deliverable else "The address cannot receive mail (the person is known only by a vendor id).",
    )
    Session.add(message)
    Session.flush()
    Session.info[MAIL_QUEUED] = deliverable or Session.info.get(MAIL_QUEUED, False)
    return message


def committed_mail(session) -> bool:
    """After a commit: did it hold queued mail? (Reads and clears the flag; the job queue listens for commits.)"""
    return bool(session.info.pop(MAIL_QUEUED, False))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_mail(session) -> None:
    session.info.pop(MAIL_QUEUED, None)


def _claim_next(now: datetime, skip: set[int]) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if skip:
        query = query.where(OutboxMessage.id.not_in(skip))
    if is_postgres(Session):
        query = query.with_for_update(skip_locked=True)
    return Session.scalars(query).first()


def _sender(brand_name: str):
    """The configured sender, shown under the brand's name when it is a bare address."""
    sender = current_app.extensions["mail"].default_sender
    if isinstance(sender, str) and "<" not in sender and "@" in sender:
        quoted = brand_name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{sender}>'  # quoted, so commas or brackets in the name stay part of it
    return sender


def _as_flask_message(row: OutboxMessage, sender=None) -> Message:
    headers = json.loads(row.headers_json or "{}")
    reply_to = headers.pop("Reply-To", None)
    message = Message(subject=row.subject, recipients=[row.to_address], body=row.body_text, html=row.body_html,
                      sender=sender, reply_to=reply_to, extra_headers=headers or None)
    message.msgId = row.message_id  # the same Message-ID on every attempt, so receivers can de-duplicate
    return message


def _record(row: OutboxMessage, error: str | None) -> None:
    row.attempts += 1
    Session.add(OutboxAttempt(message_id=row.id, ok=error is None, error=error or ""))
    if error is None:
        row.status = "sent"
        row.sent_at = utcnow()
        row.last_error = ""
        return
    row.last_error = error[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    else:
        row.next_attempt_at = utcnow() + retry_delay(row.attempts)


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{address} refused: {code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
                 for address, (code, reply) in exc.recipients.items()]
        return "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{type(exc).__name__}: {exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _is_server_error(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421:
        return True  # the server is shutting the connection down
    return isinstance(exc, SERVER_ERRORS) and not isinstance(exc, smtplib.SMTPRecipientsRefused)


def flush_outbox(limit: int | None = None, now: datetime | None = None) -> FlushReport:
    """Deliver due queued mail (commits after each message); `now` later than the clock skips back-off."""
    Session.commit()  # the caller's queued mail must be visible and its transaction closed
    now = now or utcnow()
    report = FlushReport()
    state = current_app.extensions["mail"]
    connection = None
    sender = _sender(get_brand().name)
    tried: set[int] = set()
    try:
        while limit is None or len(tried) < limit:
            row = _claim_next(now, tried)
            if row is None:
                Session.rollback()
                break
            tried.add(row.id)
            error = None
            try:
                if connection is None:
                    connection = state.connect()
                    connection.__enter__()
                connection.send(_as_flask_message(row, sender))
            except Exception as exc:  # every failure is recorded on the message, none stops the process
                error = _describe(exc)
                if _is_server_error(exc):
                    report.server_error = error
            _record(row, error)
            Session.commit()
            if error is None:
                report.sent += 1
            else:
                report.failed += 1
                if report.server_error:
                    break
    finally:
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except Exception:  # the server may already be gone
                pass
    report.remaining = Session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "queued")
    ) or 0
    Session.commit()
    return report
