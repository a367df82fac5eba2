"""Bytes of a first visit to the customer dashboard, over the wire, as Chromium records them.

Usage (needs Debian's Chromium at /usr/bin/chromium and Playwright, both used by the tests):
    .venv/bin/python bench/first_visit.py [--accounts 8] [--days 120] [--repeat 3]

Seeds the demo into a SQLite file, serves the portal on a loopback port, signs the demo customer in
without loading any page (so no asset is cached yet), then opens the dashboard in a fresh browser
context with an empty cache and waits until every chart has drawn. Every response's
`encodedDataLength` (headers plus body as transferred, compressed or not) is summed from the Chrome
DevTools Protocol's Network events and printed per kind: the page, each asset, each chart's JSON.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import models  # noqa: E402
from models.db import Session, make_engine  # noqa: E402
from portal import create_app, demo  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def serve_demo(directory: Path, accounts: int, days: int):
    """The demo portal on 127.0.0.1:<free port>; returns (base URL, customer e-mail, server)."""
    url = f"sqlite:///{directory / 'portal.db'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "MAIL_SUPPRESS_SEND": True})
    with app.test_request_context():
        ctx = demo.seed_demo(n_accounts=accounts, days=days, seed=7)
        Session.commit()
        customer = next(email for role, email, _sees in ctx.logins if role == "customer")
    Session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", customer, server


def sign_in(context, base: str, email: str) -> None:
    """Sign in through the form's POST with the context's request client: cookies set, nothing cached."""
    login = context.request.get(f"{base}/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    answer = context.request.post(f"{base}/login", form={"email": email, "password": demo.DEMO_PASSWORD,
                                                         "csrf_token": token}, max_redirects=0)
    assert answer.status == 302, f"sign-in failed: {answer.status}"


def first_visit(browser, base: str, email: str) -> list[tuple[str, str, int]]:
    """(kind, URL, bytes on the wire) of every response of the dashboard's first visit."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    sign_in(context, base, email)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    requests: dict[str, tuple[str, str]] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: requests.__setitem__(e["requestId"], (e["type"], e["response"]["url"])))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    landing = page.goto(f"{base}/")
    assert landing.ok and "/accounts/" in page.url, f"the dashboard did not open: {page.url}"
    page.wait_for_function("() => [...document.querySelectorAll('.chart[data-chart-url]')]"
                           ".every(el => el.hasAttribute('data-chart-ready'))", timeout=60_000)
    page.wait_for_load_state("networkidle")
    rows = [(kind, url, sizes[rid]) for rid, (kind, url) in requests.items()
            if rid in sizes and not url.startswith("data:")]  # data: URIs inside the CSS cost no transfer
    context.close()
    return rows


def summarise(rows: list[tuple[str, str, int]]) -> dict[str, int]:
    """Bytes per kind of response: the page, scripts, styles, chart JSON, other."""
    totals: dict[str, int] = defaultdict(int)
    for kind, url, size in rows:
        label = "chart JSON" if url.split("?")[0].endswith(".json") else {"Document": "HTML"}.get(kind, kind.lower())
        totals[label] += size
    return dict(totals)


def main() -> None:
    """Seed, serve, visit --repeat times and print the bytes of the last visit (they do not vary)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=8)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines between the figures
    with tempfile.TemporaryDirectory() as directory:
        base, email, server = serve_demo(Path(directory), args.accounts, args.days)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            totals = []
            for _ in range(args.repeat):
                rows = first_visit(browser, base, email)
                totals.append(sum(size for _kind, _url, size in rows))
            browser.close()
        server.shutdown()
    for kind, url, size in sorted(rows, key=lambda row: -row[2]):
        print(f"{size:>10,} B  {kind:<10} {url.replace(base, '')}")
    for label, size in sorted(summarise(rows).items(), key=lambda item: -item[1]):
        print(f"{label:>12}: {size:>10,} B")
    print(f"first visit of the customer dashboard: {totals[-1]:,} B over {len(rows)} responses "
          f"(runs: {', '.join(f'{t:,}' for t in totals)})")


if __name__ == "__main__":
    main()
