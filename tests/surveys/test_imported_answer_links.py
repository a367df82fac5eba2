"""An answer imported through the API reaches its person: matched by e-mail or vendor id within the account."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from models.db import Session
from models.surveys import DetractorFollowup, SurveyResponse
from surveys.nps.queries import my_answers


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _import(api, admin, *responses):
    body = {"responses": [{"id": f"r-{i}", "account": "ALPHA", "score": 2, "comment": "Slow.", "ts": _now(), **r}
                          for i, r in enumerate(responses)]}
    response = api(admin).post("/api/v1/survey-responses", json=body)
    assert response.status_code == 200, response.get_json()


def _user_ids(app) -> dict[str, int | None]:
    with app.app_context():
        return dict(Session.execute(select(SurveyResponse.respondent, SurveyResponse.user_id)).all())


def test_respondent_email_and_vendor_id_link_to_the_accounts_customer(app, api, world, create_user):
    """Case-insensitive e-mail, or the vendor's id of the person; not a person of another account."""
    vendor_person = create_user("customer", account=world["account_a"], email="vp@alpha.test", external_id="u-77")
    _import(api, world["admin"],
            {"respondent": world["customer_a"].email.upper()},
            {"respondent": "u-77"},
            {"respondent": world["customer_b"].email},  # a customer of BETA answering for ALPHA: no link
            {"respondent": "stranger@alpha.test"})
    linked = _user_ids(app)
    assert linked[world["customer_a"].email.lower()] == world["customer_a"].id  # stored as one person's key
    assert linked["u-77"] == vendor_person.id
    assert linked[world["customer_b"].email] is None
    assert linked["stranger@alpha.test"] is None
    with app.app_context():
        assert [r.SurveyResponse.score for r in my_answers(world["customer_a"])] == [2]


def test_published_reply_reaches_the_dashboard_of_the_imported_respondent(app, api, client, world, login):
    """The CSM publishes a reply to an imported detractor answer; its person sees it on their dashboard."""
    _import(api, world["admin"], {"respondent": world["customer_a"].email})
    with app.app_context():
        followup_id = Session.scalar(select(DetractorFollowup.id))
    login(world["csm_a"])
    response = client.post(f"/surveys/followups/{followup_id}", data={
        "note": "Called them.", "reply": "Exports now run in the background.", "publish_reply": "y"})
    assert response.status_code == 302
    client.post("/logout")
    login(world["customer_a"])
    page = client.get("/accounts/ALPHA/").get_data(as_text=True)
    assert "Exports now run in the background." in page


def test_followup_form_says_when_the_respondent_is_not_a_person_of_the_portal(app, api, client, world, login):
    """No such person: the form says the reply cannot be shown to them in the portal."""
    _import(api, world["admin"], {"respondent": "stranger@alpha.test"})
    with app.app_context():
        followup_id = Session.scalar(select(DetractorFollowup.id))
    login(world["csm_a"])
    page = client.get(f"/surveys/followups/{followup_id}").get_data(as_text=True)
    assert "stranger@alpha.test is not a person of this account in the portal" in page
    assert "Show this reply to the respondent in the portal" not in page
