"""The answer page /s/<token>: opening never spends the link, one answer per invitation, clear refusals."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.db import Session, utcnow
from models.surveys import DetractorFollowup, SurveyInvitation, SurveyOptOut, SurveyResponse
from models.usage import EngagementEvent


def responses(app):
    with app.app_context():
        rows = list(Session.scalars(select(SurveyResponse)))
        Session.close()
        return rows


def test_opening_the_link_shows_the_scale_and_spends_nothing(app, client, world, invitation):
    _id, token = invitation(world["customer_a"])
    for _ in range(3):
        page = client.get(f"/s/{token}")
        assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "not at all likely" in html and "extremely likely" in html
    assert html.count('type="radio"') == 11 and 'name="comment"' in html
    assert responses(app) == []


def test_an_answer_is_stored_once_with_the_invitation_as_its_key(app, client, world, invitation):
    invitation_id, token = invitation(world["customer_a"])
    page = client.post(f"/s/{token}", data={"score": "9", "comment": "Great support"})
    assert page.status_code == 200 and "Thank you" in page.get_data(as_text=True)
    [response] = responses(app)
    assert (response.score, response.comment, response.client_id) == (9, "Great support", f"inv:{invitation_id}")
    assert response.account_id == world["account_a"].id and response.user_id == world["customer_a"].id
    with app.app_context():
        kinds = list(Session.scalars(select(EngagementEvent.kind)))
    assert kinds == ["survey_answer"]


def test_a_second_submission_says_already_answered_and_changes_nothing(app, client, world, invitation):
    _id, token = invitation(world["customer_a"])
    client.post(f"/s/{token}", data={"score": "10"})
    again = client.post(f"/s/{token}", data={"score": "0", "comment": "changed my mind"})
    assert again.status_code == 200 and "already answered" in again.get_data(as_text=True)
    assert [r.score for r in responses(app)] == [10]
    assert "already answered" in client.get(f"/s/{token}").get_data(as_text=True)


@pytest.mark.parametrize("data", [{}, {"score": ""}, {"score": "11"}, {"score": "-1"}, {"score": "abc"}, {"score": "7.5"}])
def test_a_bad_score_is_refused_with_a_clear_message(app, client, world, invitation, data):
    _id, token = invitation(world["customer_a"])
    page = client.post(f"/s/{token}", data=data)
    assert page.status_code == 422
    assert "Choose a score from 0" in page.get_data(as_text=True)
    assert responses(app) == []


def test_a_100_kb_comment_is_refused_and_the_link_still_works(app, client, world, invitation):
    _id, token = invitation(world["customer_a"])
    page = client.post(f"/s/{token}", data={"score": "8", "comment": "x" * 100_000})
    assert page.status_code == 422 and "under 5,000 characters" in page.get_data(as_text=True)
    assert responses(app) == []
    assert client.post(f"/s/{token}", data={"score": "8", "comment": "short"}).status_code == 200
    assert [r.comment for r in responses(app)] == ["short"]


def test_an_unknown_link_is_404_and_an_expired_one_410(app, client, world, invitation):
    assert client.get("/s/not-a-real-token").status_code == 404
    assert client.post("/s/not-a-real-token", data={"score": "9"}).status_code == 404
    _id, token = invitation(world["customer_a"], expires_at=utcnow() - timedelta(minutes=1))
    assert client.get(f"/s/{token}").status_code == 410
    assert client.post(f"/s/{token}", data={"score": "9"}).status_code == 410
    assert responses(app) == []


def test_only_a_hash_of_the_token_is_stored_and_tokens_are_long(app, world, invitation):
    invitation_id, token = invitation(world["customer_a"])
    assert len(token) >= 43  # 256 bits in URL-safe base64
    with app.app_context():
        row = Session.get(SurveyInvitation, invitation_id)
        assert token not in (row.token_hash, row.token_salt)
        assert row.expires_at.replace(tzinfo=None) - row.sent_at.replace(tzinfo=None) == timedelta(days=30)


def test_a_detractor_answer_raises_one_follow_up_and_one_mail_to_the_csm(app, client, world, invitation, outbox):
    _id, token = invitation(world["customer_a"])
    client.post(f"/s/{token}", data={"score": "3", "comment": "<script>alert('x')</script> slow exports"})
    client.post(f"/s/{token}", data={"score": "2"})
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(DetractorFollowup)) == 1
    [mail] = outbox("nps_detractor")
    assert mail.to_address == world["csm_a"].email and mail.account_id == world["account_a"].id
    assert "<script>" not in mail.body_html and "&lt;script&gt;" in mail.body_html
    assert "/surveys/followups/" in mail.body_text


def test_a_promoter_answer_raises_no_follow_up(app, client, world, invitation, outbox):
    _id, token = invitation(world["customer_a"])
    client.post(f"/s/{token}", data={"score": "9"})
    assert outbox("nps_detractor") == []


def test_the_unsubscribe_link_needs_a_confirmation_and_is_honoured(app, client, world, invitation):
    _id, token = invitation(world["customer_a"])
    page = client.get(f"/s/{token}/unsubscribe")
    assert page.status_code == 200 and world["customer_a"].email in page.get_data(as_text=True)
    with app.app_context():
        assert Session.get(SurveyOptOut, world["customer_a"].id) is None
    assert "unsubscribed" in client.post(f"/s/{token}/unsubscribe").get_data(as_text=True)
    with app.app_context():
        assert Session.get(SurveyOptOut, world["customer_a"].id) is not None
    assert client.get("/s/made-up/unsubscribe").status_code == 404


def test_script_in_a_comment_is_shown_escaped_on_staff_pages(app, client, world, invitation, login):
    _id, token = invitation(world["customer_a"])
    client.post(f"/s/{token}", data={"score": "2", "comment": "<script>alert(1)</script><b>bold</b>"})
    login(world["csm_a"])
    for url in ("/surveys/", "/surveys/followups"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<b>bold" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
