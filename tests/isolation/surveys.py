"""Access classes of the NPS and mail routes."""
from tests.isolation import Route

ROUTES = {
    "surveys.answer": Route("token_link", {"token": "made-up-token"}),
    "surveys.unsubscribe": Route("token_link", {"token": "made-up-token"}),
    "surveys.analytics": Route("staff"),
    "surveys.trend_chart": Route("staff"),
    "surveys.distribution_chart": Route("staff"),
    "surveys.account_trend_chart": Route("account"),
    "surveys.followups": Route("staff"),
    "surveys.followup": Route("staff"),
    "surveys.campaigns": Route("staff"),
    "surveys.campaign_schedule": Route("staff", {"campaign_id": 1}),
    "surveys.outbox": Route("admin"),
    "surveys.outbox_message": Route("admin"),
    "api_surveys.post_survey_responses": Route("api_admin"),
    "api_surveys.account_nps": Route("api_account"),
}
