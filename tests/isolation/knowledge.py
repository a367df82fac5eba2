"""Access classes of the knowledge base's pages and API."""
from tests.isolation import Route

ROUTES = {
    "kb.index": Route("signed_in"),
    "kb.search_page": Route("signed_in"),
    "kb.suggest": Route("signed_in"),
    "kb.article": Route("signed_in"),
    "kb.vote": Route("customer"),
    "kb.admin_list": Route("admin"),
    "kb.admin_new": Route("admin"),
    "kb.admin_edit": Route("admin"),
    "kb.admin_preview": Route("admin"),
    "kb.admin_similar": Route("admin"),
    "kb.admin_revisions": Route("admin"),
    "kb.admin_diff": Route("admin"),
    "kb.admin_restore": Route("admin"),
    "kb.admin_archive": Route("admin"),
    "kb.admin_analytics": Route("admin"),
    "kb.admin_chart": Route("admin", {"name": "views"}),
    "kb.admin_gaps": Route("admin"),
    "kb.admin_comments": Route("admin"),
    "api_kb.create_article": Route("api_admin"),
    "api_kb.search_articles": Route("api_signed_in"),
}
