"""Fixtures: an app on a clean SQLite or PostgreSQL database per test, clients, factories.

Every test that takes `app` (or anything built on it) runs once per backend. The
PostgreSQL run is skipped only when the server does not answer and REQUIRE_POSTGRES
is unset; with REQUIRE_POSTGRES=1 an absent server is a failure.
"""
from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import models
from models.accounts import Account, User
from models.db import Session, dispose_engine
from portal import create_app
from core import passwords

# The browser fixtures (live server, Chromium, checked page) serve every folder's journeys.
pytest_plugins = ["tests.browser"]

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0", "false")
PASSWORD = "correct horse battery staple"

# Hashing at full cost in every factory call would make the suite slow; the algorithm is the same.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def postgres(backend):
    """A connection to the PostgreSQL test database (schema built from the models), rolled back at the end;
    for tests whose `backend` is parametrised to "postgresql"."""
    engine = create_engine(PG_URL)
    with engine.connect() as connection:
        yield connection
        connection.rollback()
    engine.dispose()


def empty_database_url(kind: str, tmp_path, name: str) -> str:
    """An empty database of this kind for migration tests: a SQLite file, or a PostgreSQL database
    `<test database>_<name>` made anew (a failure under REQUIRE_POSTGRES when the server does not answer)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / (name + '.db')}"
    if not postgres_reachable():
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is required (REQUIRE_POSTGRES=1) but does not answer.")
        pytest.skip("PostgreSQL is not reachable.")
    url = make_url(PG_URL)
    database = f"{url.database}_{name}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def postgres_reachable() -> bool:
    """Does the test PostgreSQL server answer?"""
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _create_schema(url: str) -> None:
    engine = models.db.make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    models.Base.metadata.create_all(engine)
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory):
    """The database kind and a template of its schema, made once per test session."""
    if request.param == "postgresql":
        if not postgres_reachable():
            if REQUIRE_POSTGRES:
                pytest.fail(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but {PG_URL} does not answer.")
            pytest.skip("PostgreSQL is not reachable; set TEST_DATABASE_URL to run these tests on it.")
        _create_schema(PG_URL)
        return {"name": "postgresql", "template": None}
    template = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    _create_schema(f"sqlite:///{template}")
    return {"name": "sqlite", "template": template}


def _truncate_postgres() -> None:
    engine = create_engine(PG_URL)
    names = ", ".join(f'"{t.name}"' for t in models.Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(backend, tmp_path):
    """A clean database for one test."""
    if backend["name"] == "postgresql":
        _truncate_postgres()
        return PG_URL
    path = tmp_path / "portal.db"
    shutil.copy(backend["template"], path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config():
    """Config overrides for the test app; tests may change it before `app` is built."""
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PORTAL_BASE_URL": "http://portal.test",
        "MAIL_SUPPRESS_SEND": True,
    }


@pytest.fixture
def app(database_url, app_config):
    """The portal on a clean database."""
    application = create_app({"DATABASE_URL": database_url, **app_config})
    yield application
    dispose_engine(application.extensions["db_engine"])


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's: a context held open across requests would share `g` between them.

    Tests that need an application context open one with `with app.app_context():`.
    """
    yield


@pytest.fixture
def client(app):
    """A test client that keeps no request context open after a request.

    pytest-flask's client preserves the last request's context; a second client of the
    same app would then share its `g` (and so the signed-in user). Tests use several
    clients as several devices, so each request gets its own context.
    """
    return app.test_client()


@pytest.fixture
def db(app):
    """The database session of the test (the same one the app uses in this thread)."""
    return Session


_sequence = count(1)


@pytest.fixture
def create_account(app):
    """Factory: create_account(name=..., csm=..., arr=..., seats=...) -> Account (committed)."""

    def factory(**fields) -> Account:
        n = next(_sequence)
        values = {
            "name": f"Account {n}",
            "external_id": f"EXT-{n}",
            "arr": Decimal("12000"),
            "seats": 20,
            "customer_since": date.today() - timedelta(days=400),
            "renewal_date": date.today() + timedelta(days=120),
            "status": "active",
        }
        values.update(fields)
        account = Account(**values)
        Session.add(account)
        Session.commit()
        return account

    return factory


@pytest.fixture
def create_user(app):
    """Factory: create_user(role, account=None, email=None, password=PASSWORD) -> User (committed)."""

    def factory(role: str = "customer", account: Account | None = None, email: str | None = None,
                password: str | None = PASSWORD, **fields) -> User:
        n = next(_sequence)
        user = User(
            email=email or f"{role}{n}@example.test",
            name=fields.pop("name", f"{role.title()} {n}"),
            role=role,
            account=account,
            password_hash=passwords.hash_password(password) if password else None,
            **fields,
        )
        Session.add(user)
        Session.commit()
        return user

    return factory


def sign_in(client, user: User, password: str = PASSWORD):
    """Sign a user in through the real form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login(client):
    """login(user) signs that user in on the test client."""

    def do_login(user: User, password: str = PASSWORD):
        return sign_in(client, user, password)

    return do_login


@pytest.fixture
def world(create_account, create_user):
    """Two accounts with two CSMs, a customer of each, and an admin: the isolation cast."""
    csm_a = create_user("csm", name="Casey CSM")
    csm_b = create_user("csm", name="Blake CSM")
    account_a = create_account(name="Alpha Inc", external_id="ALPHA", csm=csm_a)
    account_b = create_account(name="Beta Ltd", external_id="BETA", csm=csm_b)
    return {
        "account_a": account_a,
        "account_b": account_b,
        "csm_a": csm_a,
        "csm_b": csm_b,
        "customer_a": create_user("customer", account=account_a),
        "customer_b": create_user("customer", account=account_b),
        "admin": create_user("admin"),
    }


@pytest.fixture
def api_token(app):
    """api_token(user) -> a bearer token carrying that user's rights."""
    from portal.services import create_token

    def make(user: User) -> str:
        token = create_token(email=user.email)
        Session.commit()
        return token

    return make


@pytest.fixture
def api(client, api_token):
    """api(user) -> a small client that sends that user's bearer token."""

    class Api:
        def __init__(self, user):
            self.headers = {"Authorization": f"Bearer {api_token(user)}"}

        def get(self, path, **kw):
            return client.get(path, headers=self.headers, **kw)

        def post(self, path, json=None, **kw):
            return client.post(path, json=json, headers=self.headers, **kw)

    return Api


@pytest.fixture
def limited_app(app_config, database_url):
    """make(**config) -> an app with rate limits on, as in production (pytest-flask builds `app` too early to change)."""
    from models.db import dispose_engine
    from portal import create_app

    made = []

    def make(**config):
        application = create_app({"DATABASE_URL": database_url, **app_config, "RATELIMIT_ENABLED": True, **config})
        made.append(application)
        return application

    yield make
    for application in made:
        dispose_engine(application.extensions["db_engine"])


def redis_or_skip(url: str):
    """A client of the Redis database at url, emptied; the test is skipped without Redis, failed under CI=true."""
    import redis

    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.RedisError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Redis must answer at 127.0.0.1:6379 under CI=true.")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    connection.flushdb()
    return connection
