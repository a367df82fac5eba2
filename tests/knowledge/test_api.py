"""POST /api/v1/kb/articles and GET /api/v1/kb/search, with the bad input the contract names."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.db import Session
from models.knowledge import Article, KbSearchLog, KbStaffSearch

GOOD = {"title": "Export data", "body_markdown": "## Steps\n\nOpen **Reports**.", "status": "published"}


def test_admin_creates_an_article_and_gets_its_absolute_url(api, world):
    """201 with the slug and the address readers use."""
    response = api(world["admin"]).post("/api/v1/kb/articles", json={**GOOD, "category": "Reporting", "tags": ["csv", "Export"]})
    assert response.status_code == 201
    assert response.get_json() == {"slug": "export-data", "url": "http://portal.test/kb/export-data"}
    article = Session.scalar(select(Article).where(Article.slug == "export-data"))
    assert article.category.name == "Reporting"
    assert [t.name for t in article.tags] == ["csv", "export"]


def test_unsafe_markup_is_removed_not_refused(api, world, client, login):
    """The article is created and shown without the script."""
    body = "Hello <script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    response = api(world["admin"]).post("/api/v1/kb/articles", json={**GOOD, "body_markdown": body})
    assert response.status_code == 201
    login(world["customer_a"])
    page = client.get(f"/kb/{response.get_json()['slug']}").get_data(as_text=True)
    assert "Hello" in page
    assert "alert(1)" not in page and "onerror" not in page and 'href="javascript:' not in page


def test_duplicate_titles_get_distinct_slugs_through_the_api(api, world):
    """Importing two articles of the same title keeps both."""
    admin = api(world["admin"])
    slugs = [admin.post("/api/v1/kb/articles", json=GOOD).get_json()["slug"] for _ in range(3)]
    assert slugs == ["export-data", "export-data-2", "export-data-3"]


def test_title_that_slugs_to_nothing_gets_the_fallback_slug(api, world):
    """'???' is a valid title; its address is /kb/article."""
    response = api(world["admin"]).post("/api/v1/kb/articles", json={**GOOD, "title": "???"})
    assert response.status_code == 201
    assert response.get_json()["slug"] == "article"


@pytest.mark.parametrize("body, field", [
    ({**GOOD, "title": ""}, None),
    ({**GOOD, "title": "   "}, None),
    ({**GOOD, "title": None}, "title"),
    ({**GOOD, "title": 12}, "title"),
    ({"body_markdown": "x", "status": "draft"}, "title"),
    ({**GOOD, "body_markdown": ["x"]}, "body_markdown"),
    ({"title": "x", "status": "draft"}, "body_markdown"),
    ({**GOOD, "status": "live"}, "status"),
    ({**GOOD, "status": None}, "status"),
    ({"title": "x", "body_markdown": "y"}, "status"),
    ({**GOOD, "category": 5}, "category"),
    ({**GOOD, "tags": "csv"}, "tags"),
    ({**GOOD, "tags": [1, 2]}, "tags"),
    ({**GOOD, "title": "x" * 201}, None),
    ({**GOOD, "tags": ["t" * 51]}, None),
    ([GOOD], None),
    ("a string", None),
])
def test_wrong_input_is_422_with_a_message(api, world, body, field):
    """Wrong types or values answer 422 naming the problem, and store nothing."""
    response = api(world["admin"]).post("/api/v1/kb/articles", json=body)
    assert response.status_code == 422
    data = response.get_json()
    assert data["error"]
    if field:
        assert data["errors"][0]["field"] == field
    assert Session.scalar(select(Article)) is None


def test_non_json_is_415_and_malformed_json_is_400(api, world, client):
    """The API explains what it expects."""
    headers = api(world["admin"]).headers
    assert client.post("/api/v1/kb/articles", data="title=x", headers=headers, content_type="application/x-www-form-urlencoded").status_code == 415
    response = client.post("/api/v1/kb/articles", data="{not json", headers=headers, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]


def test_body_of_one_mb_is_accepted_and_over_one_mb_is_413(api, world):
    """Bodies up to 1 MB import; a larger one is refused with a clear message and nothing stored."""
    admin = api(world["admin"])
    paragraph = "Reports help teams see progress. " * 30 + "\n\n"
    body = (paragraph * (1024 * 1024 // len(paragraph) + 1))[: 1024 * 1024]
    assert admin.post("/api/v1/kb/articles", json={**GOOD, "body_markdown": body}).status_code == 201
    response = admin.post("/api/v1/kb/articles", json={**GOOD, "title": "Too big", "body_markdown": body + "x"})
    assert response.status_code == 413
    assert "1 MB" in response.get_json()["error"]
    assert Session.scalar(select(Article).where(Article.title == "Too big")) is None


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_only_admins_create_articles(api, world, role):
    """Customers and CSMs get 403."""
    assert api(world[role]).post("/api/v1/kb/articles", json=GOOD).status_code == 403


def test_search_returns_published_articles_with_snippets_and_urls(api, world, make_article):
    """Any valid token searches published articles only."""
    make_article("Export data", "Download a CSV of any report.")
    make_article("Export roadmap", "CSV plans.", status="draft")
    response = api(world["customer_a"]).get("/api/v1/kb/search?q=csv")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["slug"] for r in results] == ["export-data"]
    assert results[0]["url"] == "http://portal.test/kb/export-data"
    assert "<mark>CSV</mark>" in results[0]["snippet"]
    assert set(results[0]) == {"slug", "title", "snippet", "url"}


@pytest.mark.parametrize("query", ["", '"', "NEAR(", "a AND", "!!!", "x:*"])
def test_search_with_odd_queries_answers_an_empty_or_normal_list(api, world, make_article, query):
    """Never a 500: odd queries give results or an empty list."""
    make_article("Export data")
    response = api(world["customer_a"]).get("/api/v1/kb/search", query_string={"q": query})
    assert response.status_code == 200
    assert isinstance(response.get_json()["results"], list)


def test_search_without_token_is_401(client):
    """The API needs a token."""
    assert client.get("/api/v1/kb/search?q=x").status_code == 401


def test_openapi_describes_both_routes(client):
    """The OpenAPI document has the knowledge-base paths."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/kb/articles"] and "get" in paths["/api/v1/kb/search"]


def test_api_searches_are_logged_by_account_or_apart_for_staff(api, world, make_article):
    """A customer's token logs under the account (kb_search_log); a CSM's or an admin's token in kb_staff_search."""
    make_article("Export data", "CSV files.")
    for role in ("customer_a", "csm_a", "admin"):
        assert api(world[role]).get("/api/v1/kb/search?q=csv").status_code == 200
    customers = Session.execute(select(KbSearchLog.user_id, KbSearchLog.account_id, KbSearchLog.source)).all()
    staff = Session.execute(select(KbStaffSearch.user_id, KbStaffSearch.source).order_by(KbStaffSearch.id)).all()
    assert [tuple(r) for r in customers] == [(world["customer_a"].id, world["account_a"].id, "api")]
    assert [tuple(r) for r in staff] == [(world["csm_a"].id, "api"), (world["admin"].id, "api")]
