"""Access classes of the success-plan routes (every one addresses an account by <ext>)."""
from tests.isolation import Route

ROUTES = {
    "plan.plan": Route("account"),
    "plan.add_metric": Route("account"),
    "plan.metric": Route("account", {"metric_id": 1}),
    "plan.add_metric_reading": Route("account", {"metric_id": 1}),
    "plan.add_metric_comment": Route("account", {"metric_id": 1}),
    "plan.metric_chart_json": Route("account", {"metric_id": 1}),
    "plan.edit_metric": Route("account", {"metric_id": 1}),
    "plan.delete_metric_view": Route("account", {"metric_id": 1}),
}
