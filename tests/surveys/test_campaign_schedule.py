"""Stopping a campaign ends its invitations; resuming makes it due again; only its owner or an admin may."""
from __future__ import annotations

from sqlalchemy import func, select

from models.db import Session
from models.surveys import SurveyCampaign, SurveyInvitation
from tests.conftest import sign_in


def _create(client, alpha_id: int, every_days: str = "90") -> int:
    response = client.post("/surveys/campaigns", data={"name": "Alpha pulse", "audience": "accounts",
                                                       "accounts": [str(alpha_id)], "every_days": every_days})
    assert response.status_code == 302
    return Session.scalars(select(SurveyCampaign.id).where(SurveyCampaign.name == "Alpha pulse")).one()


def _invitations() -> int:
    return Session.scalar(select(func.count()).select_from(SurveyInvitation))


def test_a_stopped_campaign_sends_nothing_and_a_resumed_one_sends_again(app, client, world, login):
    login(world["csm_a"])
    campaign_id = _create(client, world["account_a"].id)
    stopped = client.post(f"/surveys/campaigns/{campaign_id}/schedule", data={"action": "stop"}, follow_redirects=True)
    assert "is stopped" in stopped.get_data(as_text=True) and "stopped</td>" in stopped.get_data(as_text=True)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["surveys", "send"]).exit_code == 0
    Session.expire_all()
    assert _invitations() == 0  # neither the stopped campaign nor the default one asked anybody
    resumed = client.post(f"/surveys/campaigns/{campaign_id}/schedule", data={"action": "resume"}, follow_redirects=True)
    assert "is due again" in resumed.get_data(as_text=True)
    assert runner.invoke(args=["surveys", "send"]).exit_code == 0
    Session.expire_all()
    assert _invitations() == 1  # Alpha's customer


def test_a_one_off_that_already_ran_cannot_be_resumed(app, client, world, login):
    login(world["admin"])
    campaign_id = _create(client, world["account_a"].id, every_days="")
    assert app.test_cli_runner().invoke(args=["surveys", "send"]).exit_code == 0
    page = client.post(f"/surveys/campaigns/{campaign_id}/schedule", data={"action": "resume"}, follow_redirects=True)
    assert "already ran" in page.get_data(as_text=True)
    Session.expire_all()
    assert Session.get(SurveyCampaign, campaign_id).next_run_at is None


def test_another_csms_campaign_answers_404_and_a_bad_action_400(app, client, world, login):
    login(world["csm_a"])
    campaign_id = _create(client, world["account_a"].id)
    other = app.test_client()
    sign_in(other, world["csm_b"])
    assert other.post(f"/surveys/campaigns/{campaign_id}/schedule", data={"action": "stop"}).status_code == 404
    assert client.post(f"/surveys/campaigns/{campaign_id}/schedule", data={"action": "delete"}).status_code == 400
    assert client.post("/surveys/campaigns/999999/schedule", data={"action": "stop"}).status_code == 404
    Session.expire_all()
    assert Session.get(SurveyCampaign, campaign_id).next_run_at is not None
