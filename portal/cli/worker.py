"""`flask --app wsgi worker [--burst]`: run the background jobs queued on REDIS_URL (portal/jobs.py).

RQ's SimpleWorker runs each job in this process instead of forking a work-horse per job:
the jobs are short database work of our own, so the engine's connection pool stays warm
and no connection (or SQLite handle) ever crosses a fork. A job that crashes the
interpreter takes the worker down with it; systemd's Restart=always brings it back, and
the job's pending mark expires so the work is queued again (the cron lines catch up too).
"""
from __future__ import annotations

import click
import redis
from flask import current_app
from flask.cli import with_appcontext
from rq import SimpleWorker

from portal.jobs import job_queue


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then exit (instead of waiting for more).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (mail flush, health recompute, survey sends) from the Redis queue."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set; set it to the Redis the web workers use "
                                   "(e.g. redis://127.0.0.1:6379/0), or run the cron commands instead.")
    # No socket timeout here, unlike an enqueue's: the worker waits on Redis for minutes at a time (BLPOP).
    connection = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        connection.ping()
    except redis.RedisError as exc:
        raise click.ClickException(f"Redis at {url} does not answer ({exc}); start it or fix REDIS_URL.") from None
    worker = SimpleWorker([job_queue(connection)], connection=connection)
    worker.work(burst=burst, logging_level="INFO", with_scheduler=False)
