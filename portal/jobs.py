"""The background job queue: RQ on REDIS_URL, the one place that knows it.

`enqueue(name, **kwargs)` puts a job on the "portal" queue when REDIS_URL is set and does
nothing otherwise: without Redis the cron lines of the README run the same commands
inline (`mail flush`, `health recompute`, `surveys send`), so nothing is lost, only later.

A job waiting in the queue makes another request for the same job (same name and
arguments) a no-op: a Redis key set with NX and an expiry marks it pending, and the job
clears the key when it starts, so work that arrives while it runs queues one more run.
A burst of a hundred event batches therefore queues one recompute, not a hundred.

Enqueueing never fails the caller: when Redis cannot be reached the error is logged and
the cron line does the work. Every job calls the same function as its CLI command and is
safe to run twice at once (the outbox claims each message; the recompute takes a lock).
"""
from __future__ import annotations

import json
import logging

import redis
from flask import after_this_request, current_app, g, has_app_context, has_request_context
from rq import Queue, get_current_job
from sqlalchemy import event

from core.outbox import committed_mail, flush_outbox
from core.validation import ServiceError
from core.webhooks.outbox import QUEUED_FLAG
from models.db import Session
from portal.tasks import recompute_health, send_surveys
from portal.webhooks.services import flush as flush_webhook_messages
from surveys.nps.campaigns import surveyed_account

QUEUE_NAME = "portal"
PENDING_PREFIX = "portal:jobs:pending:"
# A pending mark outlives a lost job (worker killed, queue emptied) by at most this long.
PENDING_SECONDS = 15 * 60
# Redis that does not answer must not hold a user's request for long.
CONNECT_TIMEOUT_SECONDS = 1.0
SOCKET_TIMEOUT_SECONDS = 2.0

log = logging.getLogger(__name__)
_process_app = None  # the app a worker process builds from the environment when none is active


def redis_connection(url: str) -> redis.Redis:
    """A Redis client for url with short timeouts (one pool per URL and process)."""
    pools = current_app.extensions.setdefault("job_redis", {})
    if url not in pools:
        pools[url] = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                                          socket_timeout=SOCKET_TIMEOUT_SECONDS)
    return pools[url]


def job_queue(connection: redis.Redis) -> Queue:
    """The portal's RQ queue on a connection."""
    return Queue(QUEUE_NAME, connection=connection)


def pending_key(name: str, kwargs: dict) -> str:
    """The Redis key that marks a job with these arguments as waiting in the queue."""
    return PENDING_PREFIX + name + (":" + json.dumps(kwargs, sort_keys=True) if kwargs else "")


def enqueue(name: str, **kwargs) -> bool:
    """Queue job `name` when REDIS_URL is set; True when a job was queued, False when skipped or Redis failed."""
    if name not in JOBS:
        raise ValueError(f"Unknown job {name!r}; known jobs: {', '.join(sorted(JOBS))}.")
    url = current_app.config.get("REDIS_URL")
    if not url:
        return False
    function, timeout_seconds = JOBS[name]
    try:
        connection = redis_connection(url)
        if not connection.set(pending_key(name, kwargs), "1", nx=True, ex=PENDING_SECONDS):
            return False  # the same job already waits in the queue and will see this work too
        job_queue(connection).enqueue(function, kwargs=kwargs, job_timeout=timeout_seconds,
                                      result_ttl=3600, failure_ttl=7 * 24 * 3600,
                                      description=f"{name} {json.dumps(kwargs, sort_keys=True)}")
        return True
    except (redis.RedisError, ValueError) as exc:  # ValueError: a REDIS_URL redis-py cannot read
        current_app.logger.warning("Could not queue the %s job on Redis (%s); the cron line will do the work.",
                                   name, exc)
        return False


@event.listens_for(Session, "after_commit")
def _flush_soon_after_commit(session) -> None:
    # Only committed mail and webhook messages are worth a flush job; each job is queued once per request,
    # as its response is made; without Redis the `mail flush` and `webhooks flush` cron lines deliver them.
    if committed_mail(session):
        flush_mail_after_request()
    if session.info.pop(QUEUED_FLAG, False):
        enqueue_after_request("webhooks.flush")


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_webhooks(session) -> None:
    session.info.pop(QUEUED_FLAG, None)


def flush_mail_after_request() -> None:
    """Queue one mail flush when the current request's response is ready (call after a commit that holds mail)."""
    if not has_request_context() or g.get("_mail_flush_requested"):
        return
    g._mail_flush_requested = True

    @after_this_request
    def _queue_flush(response):
        enqueue("mail.flush")
        return response


def enqueue_after_request(name: str) -> None:
    """Queue job `name` once when the current request's response is ready (outside a request: now)."""
    if not has_request_context():
        if has_app_context():
            enqueue(name)
        return
    requested = g.setdefault("_jobs_after_request", set())
    if name in requested:
        return
    requested.add(name)

    @after_this_request
    def _queue(response):
        enqueue(name)
        return response


# Jobs: run by `flask --app wsgi worker`. Each builds its context, clears its pending mark, runs the task
# its CLI command runs too (portal/tasks.py).

def _job_context():
    """A fresh app context: of the active app (the worker command's), else of an app built from the environment."""
    global _process_app
    if has_app_context():
        return current_app._get_current_object().app_context()
    if _process_app is None:
        # Imported here, not at the top: the factory registers the blueprints, and they queue jobs.
        from portal import create_app

        _process_app = create_app()
    return _process_app.app_context()


def _starting(name: str, kwargs: dict) -> None:
    """Clear the pending mark, so work that arrives while this job runs queues the next run."""
    job = get_current_job()
    if job is not None:
        job.connection.delete(pending_key(name, kwargs))


def flush_mail_job() -> str:
    """Deliver the outbox, like `mail flush`."""
    with _job_context():
        _starting("mail.flush", {})
        return flush_outbox().summary()


def recompute_health_job() -> str:
    """Recompute every account's health for today, like `health recompute`; new warnings' mail is flushed next."""
    with _job_context():
        _starting("health.recompute", {})
        summary = recompute_health(None)
        if summary["warnings"]:
            enqueue("mail.flush")
        return f"Health of {summary['accounts']} accounts computed for {summary['as_of'].isoformat()}."


def send_surveys_job(account: str | None = None) -> str:
    """Queue due NPS invitations and deliver them, like `surveys send [--account EXT]`."""
    kwargs = {"account": account} if account is not None else {}
    with _job_context():
        _starting("surveys.send", kwargs)
        try:
            target = surveyed_account(account)
        except ServiceError as exc:
            log.warning("surveys.send job skipped: %s", exc)
            return str(exc)
        report, flush_report = send_surveys(target)
        return f"{report.summary()} Mail: {flush_report.summary()}"


def flush_webhooks_job() -> str:
    """Deliver due webhook messages, like `webhooks flush`."""
    with _job_context():
        _starting("webhooks.flush", {})
        return flush_webhook_messages().summary()


# name -> (function, timeout in seconds); the names are what callers pass to enqueue().
JOBS = {
    "mail.flush": (flush_mail_job, 10 * 60),
    "health.recompute": (recompute_health_job, 30 * 60),
    "surveys.send": (send_surveys_job, 30 * 60),
    "webhooks.flush": (flush_webhooks_job, 10 * 60),
}

