"""Access classes of the revenue and forecast routes."""
from tests.isolation import Route

ROUTES = {
    "api_revenue.revenue": Route("api_staff"),
    "admin.account_arr": Route("admin"),
    "api_forecast.account_forecast": Route("api_account"),
    "csm.forecast": Route("staff"),
    "csm.reliability_chart_json": Route("staff"),
}
