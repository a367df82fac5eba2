"""Access classes of the revenue and forecast routes."""
from tests.isolation import Route

ROUTES = {
    "api_revenue.revenue": Route("api_staff"),
    "admin.account_arr": Route("admin"),
}
