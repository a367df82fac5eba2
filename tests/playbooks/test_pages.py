"""The playbook pages: a CSM acts only on their own segments, playbooks and accounts' tasks."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.mail import OutboxMessage
from models.playbooks import CsmTask, Playbook, PlaybookEpisode, Segment
from core.settings import set_setting

SOON = json.dumps({"rules": [{"kind": "days_to_renewal", "op": "<=", "days": 200}]})


@pytest.fixture
def csm_a_client(client, world, login):
    """The test client signed in as CSM A."""
    login(world["csm_a"])
    return client


def _create_segment(app, client, name="Renewing", rules=SOON) -> int:
    response = client.post("/playbooks/segments/new", data={"name": name, "rules": rules})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    with app.app_context():
        return Session.scalar(select(Segment.id).where(Segment.name == name))


def _playbook(app, name):
    with app.app_context():
        return Session.scalar(select(Playbook).where(Playbook.name == name))


def test_csm_defines_segment_previews_members_creates_playbook_and_dry_runs_it(app, csm_a_client, world):
    client = csm_a_client
    assert "New segment" in client.get("/playbooks/").get_data(as_text=True)
    preview = client.post("/playbooks/segments/preview", json={"rules": SOON})
    assert preview.status_code == 200
    # CSM A's segment covers CSM A's accounts only: Beta (CSM B) never appears
    assert preview.get_json()["count"] == 1 and preview.get_json()["total"] == 1
    assert [m["external_id"] for m in preview.get_json()["members"]] == ["ALPHA"]
    segment_id = _create_segment(app, client)
    data = {"name": "Renewal prep", "segment": segment_id, "email_subject": "Your renewal, {{ first_name }}",
            "email_body": "Hello {{ first_name }}, read {{ article_url:nonexistent-article }}.", "task_text": "Call"}
    refused = client.post("/playbooks/new", data=data)
    assert "not a published article" in refused.get_data(as_text=True)
    data["email_body"] = "Hello {{ first_name }}, {{ account_name }} is renewing."
    refused = client.post("/playbooks/new", data=data)
    assert "matches every one of the 1 accounts" in refused.get_data(as_text=True)
    data["confirm_all"] = "y"
    assert client.post("/playbooks/new", data=data).status_code == 302
    playbook = _playbook(app, "Renewal prep")
    assert playbook.owner_id == world["csm_a"].id and not playbook.is_active
    page = client.post(f"/playbooks/{playbook.id}/dry-run")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert world["customer_a"].email in text and "Your renewal, Customer" in text
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(PlaybookEpisode)) == 0
        assert Session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_unknown_placeholder_is_refused_on_save(app, csm_a_client):
    segment_id = _create_segment(app, csm_a_client)
    page = csm_a_client.post("/playbooks/new", data={"name": "X", "segment": segment_id, "email_subject": "Hi",
                                                     "email_body": "Dear {{ surname }}", "confirm_all": "y"})
    assert "unknown placeholder {{ surname }}" in page.get_data(as_text=True)


def test_segment_with_an_unknown_feature_is_refused(csm_a_client):
    rules = json.dumps({"rules": [{"kind": "feature_unused", "feature": "teleport", "days": 30}]})
    page = csm_a_client.post("/playbooks/segments/new", data={"name": "Bad", "rules": rules})
    assert page.status_code == 200 and "There is no feature &#39;teleport&#39;" in page.get_data(as_text=True)
    preview = csm_a_client.post("/playbooks/segments/preview", json={"rules": rules})
    assert preview.status_code == 200 and preview.get_json()["valid"] is False
    assert "teleport" in preview.get_json()["error"]


def test_csm_cannot_open_or_change_another_csms_segment_or_playbook(app, client, world, login):
    login(world["csm_b"])
    segment_id = _create_segment(app, client, "B's segment")
    client.post("/playbooks/new", data={"name": "B's playbook", "segment": segment_id, "task_text": "Call"})
    playbook = _playbook(app, "B's playbook")
    client.post("/logout")
    login(world["csm_a"])
    assert client.get(f"/playbooks/segments/{segment_id}").status_code == 404
    assert client.get(f"/playbooks/{playbook.id}").status_code == 404
    assert client.post(f"/playbooks/{playbook.id}/activate").status_code == 404
    assert client.post(f"/playbooks/{playbook.id}/dry-run").status_code == 404
    assert client.get(f"/playbooks/{playbook.id}/results").status_code == 404
    # nor use B's segment in a playbook of their own
    _create_segment(app, client, "A's segment")
    assert client.post("/playbooks/new", data={"name": "Mine", "segment": segment_id, "task_text": "x"}).status_code == 200
    assert _playbook(app, "Mine") is None


def _task(app, account, csm) -> int:
    with app.app_context():
        task = CsmTask(account_id=account.id, csm_id=csm.id, text=f"Call {account.name}")
        Session.add(task)
        Session.commit()
        return task.id


def test_csm_sees_and_closes_only_tasks_of_their_accounts(app, csm_a_client, world):
    mine = _task(app, world["account_a"], world["csm_a"])
    theirs = _task(app, world["account_b"], world["csm_b"])
    page = csm_a_client.get("/playbooks/tasks").get_data(as_text=True)
    assert "Call Alpha Inc" in page and "Call Beta Ltd" not in page
    assert csm_a_client.post(f"/playbooks/tasks/{theirs}/done").status_code == 404
    assert csm_a_client.post(f"/playbooks/tasks/{mine}/done").status_code == 302
    with app.app_context():
        assert Session.get(CsmTask, theirs).done_at is None
        assert Session.get(CsmTask, mine).done_at is not None
    assert csm_a_client.post(f"/playbooks/tasks/{mine}/undo").status_code == 302
    with app.app_context():
        assert Session.get(CsmTask, mine).done_at is None


def test_admin_sees_every_task(app, client, world, login):
    _task(app, world["account_a"], world["csm_a"])
    _task(app, world["account_b"], world["csm_b"])
    login(world["admin"])
    page = client.get("/playbooks/tasks").get_data(as_text=True)
    assert "Call Alpha Inc" in page and "Call Beta Ltd" in page


def test_results_compare_reached_and_held_out_accounts(app, client, world, login, make_playbook):
    with app.app_context():
        set_setting("playbooks.holdout_share", 0.0)
        Session.commit()
    make_playbook([{"kind": "days_to_renewal", "op": "<=", "days": 200}], confirmed_all=True)
    from analytics.playbooks.engine import run_playbooks

    with app.app_context():
        run_playbooks()
        Session.commit()
        playbook_id = Session.scalar(select(Playbook.id))
    login(world["admin"])
    page = client.get(f"/playbooks/{playbook_id}/results").get_data(as_text=True)
    assert "Accounts entered</th><td class=\"text-end\">2</td>" in page


def test_cohort_page_and_charts_answer(app, client, world, login):
    login(world["csm_a"])
    page = client.get("/playbooks/cohorts?by=quarter&tier=top")
    assert page.status_code == 200
    chart = client.get("/playbooks/cohorts/retention.json")
    assert chart.status_code == 200 and "doc" in chart.get_json()
    assert client.get("/playbooks/cohorts/health.json").get_json()["empty"] is True
    assert client.get("/playbooks/cohorts/nonsense.json").status_code == 404


def test_preview_without_csrf_token_is_refused(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    from tests.conftest import PASSWORD

    login_page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page) or re.search(
        r'name="csrf_token" value="([^"]+)"', login_page)
    client.post("/login", data={"email": world["csm_a"].email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert client.post("/playbooks/segments/preview", json={"rules": SOON}).status_code == 400
    page = client.get("/playbooks/segments/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/playbooks/segments/preview", json={"rules": SOON}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.get_json()["count"] == 1


def test_dashboard_shows_the_message_of_an_active_playbook_to_members_only(app, client, world, login, make_playbook):
    with app.app_context():
        set_setting("playbooks.holdout_share", 0.0)
        Session.commit()
    make_playbook([{"kind": "days_to_renewal", "op": "<=", "days": 200}], email_subject="", email_body="",
                  message_text="Your renewal is coming: book a review with us.")
    from analytics.playbooks.engine import run_playbooks
    from portal.dashboard.cards.playbook import messages_for

    with app.app_context():
        run_playbooks()
        Session.commit()
        assert messages_for(world["account_a"].id) == [("Welcome", "Your renewal is coming: book a review with us.")]
        from datetime import date

        from flask import render_template

        from core.period import Period
        from portal.dashboard.cards.deck import cards_for

        account = Session.get(type(world["account_a"]), world["account_a"].id)
        card = next(c for c in cards_for(account, Period(date.today(), date.today())) if c.template == "playbooks/_card.html")
        with app.test_request_context():
            assert "book a review with us." in render_template(card.template, card=card, context=card.context)
        playbook = Session.scalar(select(Playbook))
        playbook.is_active = False
        Session.commit()
        assert messages_for(world["account_a"].id) == []


def test_csm_reads_an_admins_playbook_for_their_own_accounts_only(app, client, world, login, make_playbook):
    with app.app_context():
        set_setting("playbooks.holdout_share", 0.0)
        Session.commit()
    playbook = make_playbook([{"kind": "days_to_renewal", "op": "<=", "days": 200}], owner=world["admin"],
                             confirmed_all=True, name="Renewal tips")
    login(world["csm_a"])
    assert "Renewal tips" in client.get("/playbooks/").get_data(as_text=True)
    dry = client.post(f"/playbooks/{playbook.id}/dry-run").get_data(as_text=True)
    assert world["customer_a"].email in dry and world["customer_b"].email not in dry
    assert "1 account entered" in dry
    assert client.get(f"/playbooks/{playbook.id}/results").status_code == 200
    # reading is not changing
    assert client.get(f"/playbooks/{playbook.id}").status_code == 404
    assert client.post(f"/playbooks/{playbook.id}/activate").status_code == 404


def test_admin_sets_the_hold_out_share_and_bad_values_are_refused(app, client, world, login):
    from analytics.playbooks.engine import holdout_share

    login(world["admin"])
    assert "10% of the accounts entering a segment are held out" in client.get("/playbooks/").get_data(as_text=True)
    page = client.post("/playbooks/holdout", data={"percent": "80"}, follow_redirects=True).get_data(as_text=True)
    assert "The hold-out share must be between 0% and 50%." in page
    page = client.post("/playbooks/holdout", data={"percent": "20"}, follow_redirects=True).get_data(as_text=True)
    assert "20% of the accounts entering a segment are held out" in page
    with app.app_context():
        assert holdout_share() == 0.2
