"""axe-core over every page each role reaches in the demo: no serious or critical finding anywhere.

The demo is seeded into the live portal once for the module; the pages are found by following links
(one page per route, tests/demo_site.py), then each is opened in Chromium, its charts drawn, and axe run.
"""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

import models
from models.db import dispose_engine, make_engine
from portal import create_app, demo
from tests.browser import LiveServer
from tests.a11y import TARGETS_SHOWN, violations
from tests.demo_site import role_pages, seed_demo_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """This module's live portal holds the demo alone (the demo is seeded into an empty database)."""
    path = tmp_path_factory.mktemp("axe-demo") / "portal.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "TESTING": False, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                      "PORTAL_BASE_URL": "http://127.0.0.1", "MAIL_SUPPRESS_SEND": True})
    site = seed_demo_site(app, accounts=4, days=60)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="axe-demo-portal", daemon=True)
    thread.start()
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, cast={"site": site})
    yield live
    server.shutdown()
    thread.join(timeout=10)
    dispose_engine(app.extensions["db_engine"])


@pytest.fixture(scope="module")
def demo_paths(live_server) -> dict[str, list[str]]:
    """{role: paths} of the demo, found by following each role's links (one page per route)."""
    return {role: sorted(found) for role, found in role_pages(live_server.cast["site"], per_route=1).items()}


def _draw_and_scan(page, path: str) -> list[str]:
    """Open the page, wait for its charts, and describe each serious or critical violation."""
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    page.wait_for_function("() => [...document.querySelectorAll('.chart[data-chart-url]')]"
                           ".every(el => el.hasAttribute('data-chart-ready'))")
    return [f"{path}: [{v['impact']}] {v['id']}: {v['help']} — {', '.join(v['targets'][:TARGETS_SHOWN])}"
            for v in violations(page)]


@pytest.mark.parametrize("role", ["anonymous", "customer", "csm", "admin"])
def test_every_page_of_the_role_has_no_serious_accessibility_violation(page, live_server, sign_in, demo_paths, role):
    """Each page the role reaches passes axe-core's serious and critical checks."""
    paths = demo_paths[role]
    assert len(paths) >= (5 if role == "anonymous" else 10), paths
    if role != "anonymous":
        sign_in(page, live_server.cast["site"].logins[role], demo.DEMO_PASSWORD)
    found = [line for path in paths for line in _draw_and_scan(page, path)]
    assert found == [], f"{len(found)} violation(s) on {len(paths)} {role} pages:\n" + "\n".join(found)


@pytest.mark.parametrize("path", ["/playbooks/cohorts", "/surveys/followups"])
def test_wide_tables_on_a_phone_have_no_serious_accessibility_violation(page, live_server, sign_in, path):
    """At 390 px the cohort table scrolls sideways (a focusable, named region); the follow-ups' action column is named."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.cast["site"].logins["admin"], demo.DEMO_PASSWORD)
    found = _draw_and_scan(page, path)
    assert page.locator("table").count() > 0, f"{path} shows no table to check"
    assert found == [], "\n".join(found)
