"""Access classes of the health, portfolio and share-link routes."""
from tests.isolation import Route

ROUTES = {
    "api_health.account_health": Route("api_account"),
    "csm.distribution_chart": Route("staff"),
    "csm.acknowledge": Route("staff"),
    "csm.resolve": Route("staff"),
    "csm.health_settings": Route("admin"),
}
ROUTES.update({
    "share.manage": Route("account"),
    "share.revoke": Route("account"),
    "share.review": Route("token_link"),
    "share.chart": Route("token_link", {"name": "period_active_users"}),
})
