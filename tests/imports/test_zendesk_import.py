"""Knowledge articles from a Zendesk Help Center export: sanitised Markdown, source id kept, updates not duplicates."""
from __future__ import annotations

import copy
import io
import json

import pytest
from sqlalchemy import func, select

from knowledge.imports import html_to_markdown
from models.db import Session
from models.knowledge import Article, KbRevision
from tests.conftest import sign_in

BODY = ('<h2>Build a report</h2><p>Open <strong>Reports</strong> and pick a '
        '<a href="https://help.example/x">template</a>.</p>'
        '<ul><li>Filter by team</li><li>Export to CSV</li></ul>'
        '<script>alert(1)</script><p onclick="steal()">Safe text</p><a href="javascript:alert(2)">bad link</a>'
        '<img src="x" onerror="alert(3)">')


def export(articles=None) -> dict:
    """A Help Center article export with its sections sideloaded, as the API's include=sections gives it."""
    return {
        "articles": articles if articles is not None else [
            {"id": 360001, "url": "https://acme.zendesk.com/api/v2/help_center/en-us/articles/360001.json",
             "html_url": "https://acme.zendesk.com/hc/en-us/articles/360001", "title": "Build your first report",
             "body": BODY, "label_names": ["Reports", "getting started"], "draft": False, "section_id": 77,
             "locale": "en-us", "author_id": 5, "created_at": "2025-01-02T10:00:00Z"},
            {"id": 360002, "title": "Invite your team", "body": "<p>Go to <em>Settings</em>.</p>", "label_names": [],
             "draft": True, "section_id": 78, "locale": "en-us"},
        ],
        "sections": [{"id": 77, "name": "Reporting", "category_id": 1}, {"id": 78, "name": "Getting started"}],
        "page": 1, "next_page": None, "count": 2,
    }


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()


def _articles():
    return Session.execute(select(Article.id, Article.source_ref, Article.title, Article.status, Article.body_markdown)
                           .order_by(Article.source_ref)).all()


def _revisions() -> int:
    return Session.scalar(select(func.count()).select_from(KbRevision))


def test_html_becomes_sanitised_markdown():
    """Headings, emphasis, links and lists survive; scripts, handlers and javascript: links do not."""
    markdown = html_to_markdown(BODY)
    assert "## Build a report" in markdown and "**Reports**" in markdown
    assert "[template](https://help.example/x)" in markdown and "- Filter by team" in markdown
    for unsafe in ("script", "alert", "onclick", "steal", "javascript", "onerror"):
        assert unsafe not in markdown
    assert "Safe text" in markdown and "bad link" in markdown


def test_zendesk_import_round_trips_and_updates_instead_of_duplicating(app, world, runner, tmp_path, client):
    """Import, import again (nothing changes), then a changed title updates the same article."""
    path = tmp_path / "articles.json"
    path.write_text(json.dumps(export()))
    first = runner.invoke(args=["imports", "zendesk", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 created, 0 updated, 0 unchanged" in first.output
    with app.app_context():
        rows = _articles()
        assert [(r.source_ref, r.title, r.status) for r in rows] == [
            ("zendesk:360001", "Build your first report", "published"), ("zendesk:360002", "Invite your team", "draft")]
        report = Session.get(Article, rows[0].id)
        assert report.category.name == "Reporting" and [t.name for t in report.tags] == ["getting started", "reports"]
        assert "<script" not in report.body_html and "<h2" in report.body_html
        slug, revisions = report.slug, _revisions()
    sign_in(client, world["customer_a"])
    page = client.get(f"/kb/{slug}").get_data(as_text=True)
    assert "Build your first report" in page and "alert(" not in page

    again = runner.invoke(args=["imports", "zendesk", str(path)])
    assert again.exit_code == 0 and "0 created, 0 updated, 2 unchanged" in again.output
    with app.app_context():
        assert _articles() == rows and _revisions() == revisions

    changed = export()
    changed["articles"][0]["title"] = "Build your first report in five minutes"
    path.write_text(json.dumps(changed))
    third = runner.invoke(args=["imports", "zendesk", str(path)])
    assert "0 created, 1 updated, 1 unchanged" in third.output
    with app.app_context():
        after = _articles()
        assert len(after) == 2 and after[0].id == rows[0].id and after[0].title.endswith("in five minutes")
        assert _revisions() == revisions + 1


def test_a_bad_article_rejects_the_whole_export(app, world, runner, tmp_path):
    """A missing title and a draft flag that is not true/false: each named by row, nothing stored."""
    articles = copy.deepcopy(export()["articles"])
    articles[1]["title"] = None
    articles.append({"id": 360003, "title": "Third", "body": "<p>x</p>", "draft": "yes"})
    articles.append({"id": 360001, "title": "Duplicate", "body": ""})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(export(articles)))
    result = runner.invoke(args=["imports", "zendesk", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: 3 row(s) are invalid; nothing was stored.",
        "Error: row 2, title: the title is missing.",
        "Error: row 3, draft: draft must be true or false.",
        "Error: row 4, id: the same article id appears in row 1."]
    with app.app_context():
        assert _articles() == [] and _revisions() == 0


def test_zendesk_upload_through_the_admin_page(app, world, client):
    """The admin page imports the same file; an empty export is refused with a sentence."""
    sign_in(client, world["admin"])
    response = client.post("/admin/imports/", data={"kind": "zendesk", "file": (io.BytesIO(json.dumps(export()).encode()),
                                                                                 "articles.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert "2 created, 0 updated, 0 unchanged" in client.get("/admin/imports/").get_data(as_text=True)
    empty = client.post("/admin/imports/", data={"kind": "zendesk", "file": (io.BytesIO(b'{"articles": []}'), "a.json")},
                        content_type="multipart/form-data")
    assert empty.status_code == 422 and "The file holds no articles; nothing was stored." in empty.get_data(as_text=True)
