"""Access classes of the maturity self-assessment and the model editor."""
from tests.isolation import Route

ROUTES = {
    "assessment.assessment": Route("account"),
    "assessment.round_detail": Route("account", {"round_id": 1}),
    "assessment.take": Route("account", {"page": 1}),
    "assessment.submit": Route("account"),
    "assessment.chart_compare": Route("account"),
    "assessment.chart_history": Route("account"),
    "assessment.chart_peers": Route("account"),
    "assessment.admin_model": Route("admin"),
    "assessment.admin_version": Route("admin", {"version": 1}),
}
