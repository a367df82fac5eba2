"""Job tests use a real Redis (db 11, emptied around each test) and a real worker process."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue

from portal.jobs import QUEUE_NAME
from tests.conftest import redis_or_skip

REDIS_URL = "redis://127.0.0.1:6379/11"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_db():
    """The empty Redis db 11; skipped when Redis is missing, failed under CI=true."""
    connection = redis_or_skip(REDIS_URL)
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def queue(redis_db) -> Queue:
    """The portal's job queue in db 11."""
    return Queue(QUEUE_NAME, connection=redis_db)


def run_cli(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ...` as its own process with exactly these portal settings."""
    clean = {key: value for key, value in os.environ.items()
             if key not in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "MAIL_PORT")}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def run_worker(app):
    """run_worker(**env) runs `flask --app wsgi worker --burst` on the test database and Redis db 11."""

    def run(**env) -> subprocess.CompletedProcess:
        settings = {"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": REDIS_URL,
                    "PORTAL_BASE_URL": app.config["PORTAL_BASE_URL"], **env}
        result = run_cli("worker", "--burst", env=settings)
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    return run


@pytest.fixture
def work_in_process(app, redis_db):
    """work_in_process() runs RQ's SimpleWorker in burst mode in this process, with the test app active."""
    from rq import SimpleWorker

    def run() -> None:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            with app.app_context():
                SimpleWorker([Queue(QUEUE_NAME, connection=redis_db)], connection=redis_db).work(burst=True)
        finally:
            for sig, handler in handlers.items():  # the worker installs its own; pytest needs its own back
                signal.signal(sig, handler)

    return run
