"""XSS, server side: known payloads in every user-written text never come back as live markup.

The demo vendor is seeded, then every text a person writes (names, articles, comments, survey
answers, plan notes, maturity model, playbooks, segments, share labels, feature keys...) is
overwritten with payloads. Every page is then read as an admin, a CSM and a customer and parsed:
no script, event handler, javascript: URL, frame or <XSS> element may come from a payload. The
e-mails queued afterwards (their HTML part) are parsed the same way. Every download (CSV and Excel
of each table) is crawled too: no cell may start like a formula, and no Excel cell may be one.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import url_for
from openpyxl import load_workbook
from sqlalchemy import func, select

from models.accounts import Account, User
from models.db import Session, utcnow
from models.knowledge import Article
from models.mail import OutboxMessage
from portal.demo import DEMO_PASSWORD, seed_demo
from tests.security.xss import PAYLOADS, TEMPLATE_PROBE, live_markup, plant_payloads

SKIPPED = {"static", "bokehjs.bokeh_js", "auth.logout"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def planted(app):
    """The demo vendor (3 accounts, 40 days) with payloads in every user-written text."""
    with app.app_context():
        seed_demo(n_accounts=3, days=40, seed=5)
        Session.commit()
        changed = plant_payloads()
        Session.commit()
        customer = Session.scalar(select(User).where(User.role == "customer").order_by(User.id))
        people = {role: Session.scalar(select(User.email).where(User.email == email))
                  for role, email in (("admin", "admin@demo.example"), ("csm", "casey@demo.example"))}
        people["customer"] = customer.email
        ext = customer.account.external_id
        slug = Session.scalar(select(Article.slug).where(Article.status == "published").order_by(Article.id))
        Session.remove()
    assert changed > 200  # the demo wrote text in all those places
    return {"people": people, "ext": ext, "slug": slug}


def _signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _page_urls(app, ext: str, slug: str) -> list[str]:
    """Every GET page of the app, with the demo's account and article and small ids, plus payload searches."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.rule.startswith("/api/"):
            continue
        values = {}
        for argument in rule.arguments:
            converter = type(rule._converters[argument]).__name__
            values[argument] = (ext if argument == "ext" else slug if argument == "slug"
                                else 1 if converter == "IntegerConverter" else "made-up-token")
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **values))
        if any(type(c).__name__ == "IntegerConverter" for c in rule._converters.values()):
            with app.test_request_context():
                urls += [url_for(rule.endpoint, **{k: (n if isinstance(v, int) else v) for k, v in values.items()})
                         for n in (2, 3)]
    urls += [f"/kb/search?q={p}" for p in PAYLOADS[:12]]
    urls += [f"/accounts/{ext}/exports/{table}.{fmt}?start={(utcnow() - timedelta(days=400)).date().isoformat()}"
             for table in ("usage", "features", "nps", "plan") for fmt in ("csv", "xlsx")]
    urls += [f"/csm/exports/{table}.{fmt}" for table in ("portfolio", "warnings", "cohorts") for fmt in ("csv", "xlsx")]
    return sorted(set(urls))


def _number(cell: str) -> bool:
    """A plain number such as -12.5 (a spreadsheet reads it as a value, never as a formula)."""
    return re.fullmatch(r"-?\d+(\.\d+)?", cell) is not None


def _check_answer(url: str, response) -> list[str]:
    """Problems in one answer: a 5xx, live markup from a payload, an un-neutralised CSV formula."""
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    if response.mimetype == XLSX:
        cells = [cell for row in load_workbook(io.BytesIO(response.data)).active.iter_rows() for cell in row]
        return [f"{url}: Excel cell {str(c.value)[:30]!r}" for c in cells
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(FORMULA_START))]
    if not response.mimetype.startswith("text/"):
        return []  # the review deck: its text is data in slides, never markup
    body = response.get_data(as_text=True)
    if response.mimetype == "text/csv":
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        return [f"{url}: CSV cell {c[:30]!r}" for c in cells if c.startswith(FORMULA_START) and not _number(c)]
    if response.mimetype != "text/html":
        return []
    return [f"{url}: {found}" for found in live_markup(body)]


def test_payloads_in_every_user_text_never_come_back_as_markup(app, planted):
    """Admin, CSM and customer read every page (and payload searches): nothing a payload wrote is live."""
    urls = _page_urls(app, planted["ext"], planted["slug"])
    problems, pages_read, payload_pages = [], 0, 0
    for role in ("admin", "csm", "customer"):
        client = _signed_in(app, planted["people"][role])
        for url in urls:
            response = client.get(url)
            problems += _check_answer(url, response)
            pages_read += response.mimetype == "text/html" and response.status_code == 200
            payload_pages += response.mimetype.startswith("text/") and "alert(1)" in response.get_data(as_text=True)
    problems += _share_link_problems(app, planted)
    assert problems == []
    assert pages_read > 60 and payload_pages > 40, (pages_read, payload_pages)


def _share_link_problems(app, planted) -> list[str]:
    """A review link made now freezes payload-laden cards; its page, as anyone sees it, holds none live."""
    csm = _signed_in(app, planted["people"]["admin"])
    today = utcnow().date()
    created = csm.post(f"/accounts/{planted['ext']}/share", data={
        "start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat(),
        "note": PAYLOADS[1] + PAYLOADS[5], "expires_in_days": "14"})
    body = created.get_data(as_text=True)
    token = re.search(r"/share/([A-Za-z0-9_-]{40,})", body)
    assert token, "the new link is shown"
    review = app.test_client().get(f"/share/{token.group(1)}")
    assert review.status_code == 200 and "onerror=alert(1)" in review.get_data(as_text=True)
    return _check_answer("/share/<new>", review) + _check_answer("share created", created)


def test_the_parser_finds_what_a_payload_would_make_live():
    """The check is real: unescaped payloads are found, escaped ones are not."""
    from markupsafe import escape

    unescaped = "".join(PAYLOADS[:6] + PAYLOADS[7:9] + PAYLOADS[12:15])
    assert len(live_markup(unescaped)) >= 10
    assert live_markup(f"<p>{escape(unescaped)}</p><a href='{escape(PAYLOADS[3])}'>x</a>") == [
        "<a href='javascript:alert(1)'>"]  # an escaped javascript: URL in an href still runs; it is caught
    assert live_markup("".join(f"<p>{escape(p)}</p>" for p in PAYLOADS)) == []


def test_template_syntax_in_names_is_shown_as_written(app, planted):
    """{{7*7}} in an account name is printed as typed, never evaluated to 49."""
    with app.app_context():
        account = Session.scalar(select(Account).where(Account.external_id == planted["ext"]))
        account.name = f"Acme {TEMPLATE_PROBE}"
        Session.commit()
        Session.remove()
    client = _signed_in(app, planted["people"]["customer"])
    page = client.get(f"/accounts/{planted['ext']}/").get_data(as_text=True)
    assert "Acme tpl-{{7*7}}-${7*7}-&lt;%= 7*7 %&gt;" in page
    assert "tpl-49" not in page


def test_mail_queued_after_the_payloads_holds_no_live_markup(app, planted):
    """Warnings, NPS invitations and playbook e-mails built from payload text: their HTML part is safe."""
    with app.app_context():
        before = Session.scalar(select(func.max(OutboxMessage.id))) or 0
        account = Session.scalar(select(Account).where(Account.external_id == planted["ext"]))
        # Someone never asked yet, so the NPS invitation is written now, with payload names.
        Session.add(User(email="new.person@acme.test", name=PAYLOADS[1], role="customer", account=account))
        Session.commit()
        Session.remove()
    runner = app.test_cli_runner()
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    for command in (["health", "recompute", "--as-of", tomorrow], ["surveys", "send", "--account", planted["ext"]],
                    ["playbooks", "run"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    with app.app_context():
        messages = Session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()
        problems = [f"{m.kind} to {m.to_address}: {found}" for m in messages for found in live_markup(m.body_html or "")]
        bodies = " ".join(m.body_html or "" for m in messages)
        Session.remove()
    assert messages, "the commands queued mail"
    survey_links = re.findall(r"/s/[A-Za-z0-9_.-]{20,}", " ".join(m.body_text or "" for m in messages))
    assert survey_links, "an NPS invitation was queued"
    answer_page = app.test_client().get(survey_links[0])
    problems += _check_answer(survey_links[0], answer_page)
    assert problems == []
    assert re.search(r"&lt;script&gt;|&lt;img|&lt;svg", bodies), "payload text reached the mail, escaped"
