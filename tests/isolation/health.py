"""Access classes of the health, portfolio and share-link routes."""
from tests.isolation import Route

ROUTES = {
    "api_health.account_health": Route("api_account"),
}
