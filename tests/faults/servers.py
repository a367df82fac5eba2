"""Real servers for the fault tests: gunicorn serving the portal, and a private PostgreSQL cluster.

Both are started on free loopback ports and stopped by their owner's finalizer, even when a
test fails. The PostgreSQL cluster is the test's own (initdb into a temporary directory), so
it can be restarted at will without disturbing the machine's server on 5432.
"""
from __future__ import annotations

import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from urllib.parse import urlencode

import pytest

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Every access-log line: the worker's process id, the client address, the status and the request line.
ACCESS_FORMAT = '%(p)s %(h)s %(s)s "%(r)s"'


def unavailable(reason: str):
    """Skip, or fail under CI=true, when a service these tests need is missing."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: fault tests must run).")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, timeout: float, what: str, interval: float = 0.1):
    """Poll check() until it returns a true value; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(interval)


@dataclass
class Answer:
    """One HTTP answer: status, headers (lower-case names), body text."""

    status: int
    headers: dict
    text: str

    def json(self):
        """The body parsed as JSON, or None."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None


@dataclass
class Browser:
    """A minimal HTTP client with a cookie jar; every request opens a new connection, as a new visitor would.

    `source` is the loopback address it connects from (any 127.x.y.z), so tests can play several client addresses.
    """

    port: int
    cookies: dict = field(default_factory=dict)
    source: str = "127.0.0.1"

    def request(self, method: str, path: str, form: dict | None = None, body: bytes | None = None,
                headers: dict | None = None, timeout: float = 30) -> Answer:
        """Send one request; raises OSError when the connection fails."""
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(self.source, 0))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _, rest = value.partition("=")
                    self.cookies[cookie_name] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path: str, **options) -> Answer:
        """GET a path."""
        return self.request("GET", path, **options)

    def post(self, path: str, form: dict, **options) -> Answer:
        """POST a form."""
        return self.request("POST", path, form=form, **options)

    def post_json(self, path: str, payload, token: str, **options) -> Answer:
        """POST JSON with a bearer token."""
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        return self.request("POST", path, body=json.dumps(payload).encode(), headers=headers, **options)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


class Gunicorn:
    """The portal served by gunicorn (sync workers) on a free loopback port."""

    def __init__(self, env: dict, workers: int, log_dir: Path):
        self.port = free_port()
        self.access_log = log_dir / f"access-{self.port}.log"
        self.error_log = log_dir / f"error-{self.port}.log"
        self.output = log_dir / f"output-{self.port}.log"  # what the app itself logs (to stderr)
        base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PORTAL_ENV"}}
        command = [str(GUNICORN), "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}", "--preload",
                   "--timeout", "60", "--graceful-timeout", "1", "--no-control-socket", "--access-logfile", str(self.access_log), "--access-logformat", ACCESS_FORMAT,
                   "--error-logfile", str(self.error_log), "wsgi:app"]
        # Its own process group, so that stop() also ends any worker the master leaves behind.
        with open(self.output, "wb") as output:
            self.process = subprocess.Popen(command, cwd=REPO, env={**base, **env}, start_new_session=True,
                                            stdout=output, stderr=subprocess.STDOUT)
        self.browser = Browser(self.port)

    def healthz(self) -> Answer | None:
        """The answer of /healthz, or None while nothing listens."""
        try:
            return self.browser.get("/healthz", timeout=5)
        except OSError:
            return None

    def wait_ready(self, timeout: float = 90) -> None:
        """Wait until /healthz answers 200 (the app is imported and the database answers)."""

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.errors()[-3000:]}")
            answer = self.healthz()
            return answer is not None and answer.status == 200

        wait_until(ready, timeout, f"gunicorn on port {self.port} to answer /healthz", interval=0.2)

    def access_lines(self) -> list[tuple[int, str, int, str]]:
        """(worker pid, client address, status, request line) of every request answered so far."""
        if not self.access_log.exists():
            return []
        lines = []
        for line in self.access_log.read_text().splitlines():
            pid, address, status, request_line = line.split(" ", 3)
            lines.append((int(pid.strip("<>")), address, int(status), request_line.strip('"')))
        return lines

    def worker_pids(self, request_prefix: str = "", address: str | None = None, expected: int = 0) -> set[int]:
        """Process ids of the workers that answered requests whose line starts with request_prefix (from address).

        A worker logs a request just after answering it, so this waits until `expected` such lines are written.
        """

        def matching():
            found = [pid for pid, source, _, line in self.access_lines()
                     if line.startswith(request_prefix) and address in (None, source)]
            return (found,) if len(found) >= expected else None

        return set(wait_until(matching, 10, f"{expected} '{request_prefix}' lines in the access log")[0])

    def errors(self) -> str:
        """gunicorn's error log (worker starts, stops) and what the app logged (warnings, tracebacks)."""
        return "".join(path.read_text() for path in (self.error_log, self.output) if path.exists())

    def stop(self) -> None:
        """Stop the master and its workers; idempotent."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown: nothing is in flight any more
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return
        os.killpg(self.process.pid, signal.SIGKILL)


def postgres_bin() -> Path | None:
    """The directory of PostgreSQL's server programs (initdb, pg_ctl), if installed."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary directory, on a free port, trusting local connections."""

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None or not (self.bin / "initdb").exists():
            unavailable("PostgreSQL's initdb is not installed (apt-get install postgresql)")
        # initdb refuses to run as root, so the cluster then belongs to the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner and not (shutil.which("runuser") and _user_exists("postgres")):
            unavailable("Running as root, but there is no postgres user (or no runuser) to own a test cluster")
        self.port = free_port()
        # Under /tmp directly: pytest's own temporary folders are closed to the postgres user.
        self.dir = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        try:
            if self.as_owner:
                shutil.chown(self.dir, user="postgres")
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                      "--no-sync")
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def _run(self, program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [*self.as_owner, str(self.bin / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        return done

    def _ctl(self, action: str, *args: str) -> float:
        """Run pg_ctl and wait for it; returns the seconds it took."""
        started = time.monotonic()
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, *args)
        return time.monotonic() - started

    def start(self) -> float:
        """Start the server and wait until it accepts connections."""
        return self._ctl("start")

    def restart(self, mode: str = "fast") -> float:
        """pg_ctl restart -m mode (fast: sessions are ended; immediate: a crash and recovery)."""
        return self._ctl("restart", "-m", mode)

    def stop(self, mode: str = "fast") -> float:
        """Stop the server."""
        return self._ctl("stop", "-m", mode)

    def createdb(self, name: str) -> str:
        """Create a database and return its SQLAlchemy URL."""
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
                       check=True, capture_output=True, timeout=60)
        return self.url(name)

    def url(self, name: str) -> str:
        """SQLAlchemy URL of a database of this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        """Stop the server if it runs and delete the cluster; idempotent."""
        if self.data.exists():
            subprocess.run([*self.as_owner, str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate",
                            "-w", "-t", "30"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)
