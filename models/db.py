"""Engine, session and per-process database lifecycle, independent of Flask."""
from __future__ import annotations

import os
from datetime import datetime, timezone

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (used as a callable column default)."""
    return datetime.now(timezone.utc)


# One session per thread (and so per request); bound to the engine by init_engine().
Session = scoped_session(sessionmaker(expire_on_commit=False))


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout and BEGIN IMMEDIATE, so concurrent writers wait instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every SQLite test
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every SQLite test
        conn.exec_driver_sql("BEGIN IMMEDIATE")


CONNECT_TIMEOUT_SECONDS = 10


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLAlchemy URL with the portal's connection settings."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # A database host that hangs instead of refusing must not hold a worker until gunicorn kills it: after
    # this many seconds the request answers 503 (portal/errors.py) and the client retries.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


def init_engine(url: str) -> Engine:
    """Create the engine and bind the thread-local session to it."""
    engine = make_engine(url)
    Session.remove()
    Session.configure(bind=engine)
    _engines.append(engine)
    return engine


_engines: list[Engine] = []


def dispose_engine(engine: Engine) -> None:
    """Close an engine's connections and forget it (used when an app is torn down)."""
    Session.remove()
    engine.dispose()
    if engine in _engines:
        _engines.remove(engine)


def _dispose_after_fork() -> None:
    # After a fork (gunicorn --preload) a child must not reuse the parent's connections.
    for engine in _engines:
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_dispose_after_fork)


def is_postgres(session) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def one_connection_per_node(session) -> None:
    """On Citus, run this transaction's multi-shard statements over one connection per node.

    Citus refuses to modify a reference table (account, user, the definitions) once the transaction ran a
    statement over several shards in parallel. A long transaction that interleaves both (the demo seed) sets
    this first. Plain PostgreSQL keeps the setting as a custom option and ignores it; SQLite has none.
    """
    if is_postgres(session):
        session.execute(text("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"))
