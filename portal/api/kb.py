"""Knowledge-base API: import an article (admin) and search published articles (any token).

A title with no letters or digits in ASCII (e.g. "???" or "日本語") is accepted and gets the
fallback slug "article" (then "article-2", ...); an empty title is refused with 422. Duplicate
titles get distinct slugs (-2, -3, ...). Markdown bodies up to 1 MB (1,048,576 bytes of UTF-8) are accepted;
a larger one answers 413.
"""
from __future__ import annotations

from flask import abort, current_app, jsonify, request

from knowledge import services
from knowledge.search import normalize_query, search
from models.db import Session
from portal.api.core import api_blueprint, api_user, invalid, json_body, require_role
from portal.audit.web import audit_article_status
from portal.services import ServiceError

bp = api_blueprint("api_kb", __name__)

MAX_QUERY = 200
SEARCH_LIMIT = 20


def _absolute_url(slug: str) -> str:
    return f"{current_app.config['PORTAL_BASE_URL'].rstrip('/')}/kb/{slug}"


def _field_error(field: str, message: str):
    invalid(message, [{"index": 0, "field": field, "message": message}])


@bp.post("/kb/articles")
def create_article():
    """Create an article from Markdown (for moving articles in from another help centre)."""
    require_role("admin")
    data = json_body()
    if not isinstance(data, dict):
        invalid("The body must be a JSON object with title, body_markdown and status.")
    title, body, status = data.get("title"), data.get("body_markdown"), data.get("status")
    category, tags = data.get("category"), data.get("tags")
    if not isinstance(title, str):
        _field_error("title", "'title' is required and must be a string.")
    if not isinstance(body, str):
        _field_error("body_markdown", "'body_markdown' is required and must be a string of Markdown.")
    if status not in ("draft", "published"):
        _field_error("status", "'status' is required and must be \"draft\" or \"published\".")
    if category is not None and not isinstance(category, str):
        _field_error("category", "'category' must be a string when given.")
    if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
        _field_error("tags", "'tags' must be a list of strings when given.")
    try:
        article = services.create_article(
            services.ArticleInput(title=title, body_markdown=body, status=status, category=category, tags=tags),
            api_user(),
        )
        audit_article_status(article, None, actor=api_user())
    except services.BodyTooLarge as error:
        Session.rollback()
        abort(413, str(error))
    except ServiceError as error:
        Session.rollback()
        invalid(str(error))
    Session.commit()
    return jsonify({"slug": article.slug, "url": _absolute_url(article.slug)}), 201


@bp.get("/kb/search")
def search_articles():
    """Published articles matching the words of ?q=, best first, with highlighted snippets."""
    # NUL is dropped like other punctuation would be; PostgreSQL cannot store it in the search log.
    query = (request.args.get("q") or "").replace("\x00", "").strip()[:MAX_QUERY]
    outcome = search(query, statuses=("published",), limit=SEARCH_LIMIT)
    if query:
        services.log_search(query, normalize_query(query), len(outcome.hits), api_user(), source="api")
        Session.commit()
    return jsonify({"results": [
        {"slug": hit.slug, "title": hit.title, "snippet": str(hit.snippet), "url": _absolute_url(hit.slug)}
        for hit in outcome.hits
    ]})


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

# OpenAPI path items contributed to /api/v1/openapi.json.
OPENAPI_PATHS: dict = {
    "/api/v1/kb/articles": {
        "post": {
            "summary": "Create a knowledge article from Markdown (admin)",
            "description": "Unsafe markup in body_markdown is removed when rendered, not refused. Duplicate titles get "
                           "distinct slugs; a title without ASCII letters or digits gets the slug 'article' (-2, -3...).",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["title", "body_markdown", "status"],
                "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                    "body_markdown": {"type": "string", "description": "Markdown, at most 1 MB in UTF-8"},
                    "category": {"type": "string", "maxLength": 100},
                    "tags": {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": 20},
                    "status": {"type": "string", "enum": ["draft", "published"]},
                },
            }}}},
            "responses": {
                "201": {"description": "Created", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["slug", "url"],
                    "properties": {"slug": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
                }}}},
                "400": {"description": "Malformed JSON", "content": _ERROR},
                "401": {"description": "No valid token", "content": _ERROR},
                "403": {"description": "The token's user is not an admin", "content": _ERROR},
                "413": {"description": "body_markdown is over 1 MB", "content": _ERROR},
                "415": {"description": "Not JSON", "content": _ERROR},
                "422": {"description": "Invalid input", "content": _ERROR},
            },
        }
    },
    "/api/v1/kb/search": {
        "get": {
            "summary": "Search published knowledge articles",
            "parameters": [{"name": "q", "in": "query", "required": False, "schema": {"type": "string"},
                            "description": f"Words to find; operators and punctuation are treated as plain text. "
                                           f"Only the first {MAX_QUERY} characters are read."}],
            "responses": {
                "200": {"description": "Matching published articles, best first", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["results"],
                    "properties": {"results": {"type": "array", "items": {
                        "type": "object", "required": ["slug", "title", "snippet", "url"],
                        "properties": {
                            "slug": {"type": "string"}, "title": {"type": "string"},
                            "snippet": {"type": "string", "description": "HTML-escaped text; matches wrapped in <mark>"},
                            "url": {"type": "string", "format": "uri"},
                        },
                    }}},
                }}}},
                "401": {"description": "No valid token", "content": _ERROR},
            },
        }
    },
}
