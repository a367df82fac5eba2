"""Known XSS payloads, where user-written text lives, and a parser that finds markup a payload made live.

Shared by the server-side checks (test_xss.py) and the browser checks (test_xss_browser.py).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import cycle

from sqlalchemy import String, Text, select

from knowledge.rendering import render_markdown
from models.accounts import Account, ApiToken, User
from models.db import Session
from models.health import HealthWarning, ShareLink
from models.knowledge import Article, KbCategory, KbRevision, KbSearchLog, KbStaffSearch, KbTag, KbVote
from models.maturity import (
    MaturityBehaviour,
    MaturityDimension,
    MaturityLevel,
    MaturityModel,
    MaturityOption,
    MaturityQuestion,
)
from models.plans import PlanComment, PlanMetric, PlanReading
from models.playbooks import CsmTask, Playbook, Segment
from models.surveys import DetractorFollowup, SurveyCampaign, SurveyResponse
from models.usage import KeyFeature, UsageEvent, UsageFeatureDay, UsageUserFeatureDay

TEMPLATE_PROBE = "tpl-{{7*7}}-${7*7}-<%= 7*7 %>"
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'';!--\"<XSS>=&{()}",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    TEMPLATE_PROBE,
    "</textarea><script>alert(1)</script>",
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:alert(1));width:expression(alert(1))">styled</div>',
    "<body onload=alert(1)><details open ontoggle=alert(1)>",
    "\u202egpj.exe <b onmouseover=alert(1)>rtl</b>",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>" * 410,  # about 10 KB
]

# (model, attribute): every place a person (customer, CSM, admin or the vendor's app) writes text that is shown.
USER_TEXT = [
    (Account, "name"), (User, "name"), (ApiToken, "name"),
    (Article, "title"), (KbCategory, "name"), (KbTag, "name"), (KbRevision, "title"), (KbRevision, "note"),
    (KbVote, "comment"), (KbSearchLog, "query"), (KbStaffSearch, "query"),
    (SurveyResponse, "comment"), (SurveyResponse, "respondent"), (SurveyCampaign, "name"),
    (SurveyCampaign, "question"), (DetractorFollowup, "note"), (DetractorFollowup, "reply"),
    (PlanMetric, "name"), (PlanMetric, "unit"), (PlanReading, "note"), (PlanComment, "body"),
    (MaturityModel, "name"), (MaturityLevel, "name"), (MaturityDimension, "name"), (MaturityBehaviour, "text"),
    (MaturityQuestion, "text"), (MaturityOption, "text"),
    (Playbook, "name"), (Playbook, "email_subject"), (Playbook, "email_body"), (Playbook, "task_text"),
    (Playbook, "message_text"), (Segment, "name"), (CsmTask, "text"),
    (HealthWarning, "message"), (ShareLink, "note"),
    (KeyFeature, "name"), (KeyFeature, "description"),
    (UsageEvent, "feature"), (UsageFeatureDay, "feature"), (UsageUserFeatureDay, "feature"),
]
FEATURE_PAYLOAD = '<img src=x onerror=alert(1)>"feat'  # feature keys join rollups, so one value for all rows


def _fit(model, attribute: str, text: str) -> str:
    """The payload cut to the column's length, so PostgreSQL stores it as SQLite does."""
    column_type = model.__table__.columns[attribute].type
    length = getattr(column_type, "length", None) if isinstance(column_type, (String, Text)) else None
    return text[:length] if length else text


def plant_payloads() -> int:
    """Overwrite every user-written text with payloads (articles re-rendered from Markdown); rows changed."""
    with Session.no_autoflush:
        changed = _overwrite()
    for index, article in enumerate(Session.scalars(select(Article))):
        article.body_markdown = "\n\n".join(f"Para {n}: {p}" for n, p in enumerate(PAYLOADS[index % 3:]))
        rendered = render_markdown(article.body_markdown)
        article.body_html, article.body_text = rendered.html, rendered.text
    Session.flush()
    return changed


def _overwrite() -> int:
    changed = 0
    for model, attribute in USER_TEXT:
        payloads = cycle(PAYLOADS)
        for number, row in enumerate(Session.scalars(select(model)).all()):
            original = getattr(row, attribute)
            if original is None:
                continue  # absent stays absent: what is shown is what people wrote
            # Numbered, so unique names stay unique; a feature key keeps its own name, so rollups still join.
            text = (f"{FEATURE_PAYLOAD}{original}" if attribute == "feature"
                    else f"{attribute[:4]}{number} {next(payloads)}")
            setattr(row, attribute, _fit(model, attribute, text))
            changed += 1
    return changed


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data", "srcset"}
_INVISIBLE = re.compile(r"[\x00-\x20]")


class LiveMarkup(HTMLParser):
    """Collects markup that would run a payload: scripts, handlers, javascript: URLs, frames, <XSS>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("xss", "iframe", "frame", "object", "embed", "base"):
            self.found.append(f"<{tag}> element")
        if tag == "script":
            source = dict(attrs).get("src")
            if source is not None and not source.startswith("/"):
                self.found.append(f"<script src={source!r}>")
            self._in_script = source is None
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "srcdoc":
                self.found.append(f"<{tag} srcdoc>")
            elif name in URL_ATTRIBUTES:
                url = _INVISIBLE.sub("", value).lower()
                if url.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "style" and re.search(r"expression\(|javascript:|url\(", value, re.I):
                self.found.append(f"<{tag} style={value[:40]!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"inline script {data[:40]!r}")


def live_markup(html_text: str) -> list[str]:
    """What in this HTML would run a payload (empty when every payload stayed text)."""
    parser = LiveMarkup()
    parser.feed(html_text)
    parser.close()
    return parser.found
