"""Access classes of usage analytics: ingestion, usage API, dashboard charts, key features."""
from tests.isolation import Route

ROUTES = {
    "api_events.post_events": Route("api_admin"),
    "api_usage.account_usage": Route("api_account"),
    "dashboard.chart": Route("account", {"name": "active_users"}),
    "key_features.index": Route("admin"),
    "key_features.create": Route("admin"),
    "key_features.edit": Route("admin"),
}
