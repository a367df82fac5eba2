"""The outbox delivers through a real SMTP server: nothing lost, nothing sent twice."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.db import Session, utcnow
from models.mail import OutboxAttempt, OutboxMessage
from core.outbox import flush_outbox, queue_mail, retry_delay

LATER = timedelta(days=1)


def _queue(app, n: int, **context) -> list[int]:
    with app.app_context():
        ids = [queue_mail(f"person{i}@example.test", f"Notice {i}", "notice", kind="test",
                          text=context.get("text", f"Message number {i}.")).id for i in range(n)]
        Session.commit()
        return ids


def _statuses(app) -> dict[int, str]:
    with app.app_context():
        return {row.id: row.status for row in Session.scalars(select(OutboxMessage))}


def test_queued_mail_is_not_sent_until_the_flush(app, smtp_server):
    _queue(app, 2)
    assert smtp_server.messages == []
    with app.app_context():
        report = flush_outbox()
    assert (report.sent, report.failed, report.remaining) == (2, 0, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == ["person0@example.test", "person1@example.test"]


def test_mail_has_text_and_html_parts_and_its_stored_message_id(app, smtp_server):
    _queue(app, 1)
    with app.app_context():
        stored_id = Session.scalars(select(OutboxMessage.message_id)).one()
        flush_outbox()
    received = smtp_server.messages[0]
    assert received["Message-ID"] == stored_id
    assert "Message number 0." in smtp_server.text_of(received)
    assert "Message number 0." in smtp_server.html_of(received)
    assert "http://portal.test" in smtp_server.text_of(received)


def test_script_in_mail_content_is_escaped_in_the_html_part(app, smtp_server):
    _queue(app, 1, text="<script>alert(1)</script>")
    with app.app_context():
        flush_outbox()
    html = smtp_server.html_of(smtp_server.messages[0])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_second_flush_sends_nothing_again(app, smtp_server):
    _queue(app, 3)
    with app.app_context():
        flush_outbox()
        report = flush_outbox(now=utcnow() + LATER)
    assert report.sent == 0
    assert len(smtp_server.messages) == 3


def test_server_down_keeps_mail_queued_and_restart_delivers_each_exactly_once(app, smtp_server):
    ids = _queue(app, 6)
    with app.app_context():
        first = flush_outbox(limit=2)
    assert first.sent == 2
    smtp_server.stop()
    with app.app_context():
        down = flush_outbox()
    assert (down.sent, down.failed, down.remaining) == (0, 1, 4)
    assert down.server_error
    with app.app_context():
        errors = Session.scalars(select(OutboxMessage.last_error).where(OutboxMessage.attempts == 1,
                                                                         OutboxMessage.status == "queued")).all()
    assert len(errors) == 1 and "Connection" in errors[0]
    smtp_server.start()
    with app.app_context():
        again = flush_outbox(now=utcnow() + LATER)
    assert (again.sent, again.remaining) == (4, 0)
    assert set(_statuses(app).values()) == {"sent"} and len(ids) == 6
    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == 6 and len(set(message_ids)) == 6


def test_server_shutting_down_in_the_middle_of_a_flush_loses_nothing(app, smtp_server):
    _queue(app, 5)
    smtp_server.handler.accept_before_shutdown = 2
    with app.app_context():
        report = flush_outbox()
    assert (report.sent, report.failed, report.remaining) == (2, 1, 3)
    smtp_server.handler.accept_before_shutdown = None
    with app.app_context():
        flush_outbox(now=utcnow() + LATER)
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == [f"person{i}@example.test" for i in range(5)]


def test_refused_recipient_stays_queued_with_the_error_and_others_are_delivered(app, smtp_server):
    smtp_server.handler.refuse.add("person1@example.test")
    _queue(app, 3)
    with app.app_context():
        report = flush_outbox()
        refused = Session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "person1@example.test")).one()
        attempts = Session.scalars(select(OutboxAttempt).where(OutboxAttempt.message_id == refused.id)).all()
    assert (report.sent, report.failed, report.remaining) == (2, 1, 1)
    assert refused.status == "queued" and "550" in refused.last_error and "No such user" in refused.last_error
    assert len(attempts) == 1 and not attempts[0].ok
    assert refused.next_attempt_at.replace(tzinfo=None) > (utcnow() + timedelta(seconds=30)).replace(tzinfo=None)


def test_refused_mail_waits_for_its_back_off_then_is_retried(app, smtp_server):
    smtp_server.handler.refuse.add("person0@example.test")
    _queue(app, 1)
    with app.app_context():
        flush_outbox()
        soon = flush_outbox()
    assert soon.failed == 0  # not retried before its back-off
    smtp_server.handler.refuse.clear()
    with app.app_context():
        later = flush_outbox(now=utcnow() + LATER)
    assert later.sent == 1 and len(smtp_server.messages) == 1


def test_back_off_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert retry_delay(30) == timedelta(hours=6)


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(app, smtp_server):
    with app.app_context():
        queue_mail("ghost@example.test", "Never", "notice", text="x")
        Session.rollback()
        report = flush_outbox()
    assert report.sent == 0 and smtp_server.messages == []


def test_mail_flush_command_reports_and_fails_clearly_when_the_server_is_down(app, smtp_server):
    _queue(app, 2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "flush", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed, 1 still queued" in result.output
    smtp_server.stop()
    result = runner.invoke(args=["mail", "flush"])
    assert result.exit_code == 1
    assert "could not be used" in result.output and "1 messages stay queued" in result.output
    smtp_server.start()
    result = runner.invoke(args=["mail", "flush", "--retry-now"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert len(smtp_server.messages) == 2


def test_two_flushes_at_once_send_every_message_exactly_once(app, smtp_server):
    import threading

    _queue(app, 12)
    reports = []

    def flush():
        with app.app_context():
            reports.append(flush_outbox())
            Session.remove()

    threads = [threading.Thread(target=flush) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.sent for r in reports) == 12
    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == 12 and len(set(message_ids)) == 12
