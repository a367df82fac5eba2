"""Every event type is raised by its real cause, in the same transaction, and reaches a verifying receiver."""
from __future__ import annotations

import re
from datetime import date, timedelta

from analytics.health.recompute import recompute
from core.webhooks.endpoints import add_endpoint
from models.db import Session, utcnow
from models.health import HealthScore
from portal.webhooks.services import flush
from tests.health.helpers import add_usage, days_back
from tests.maturity.conftest import answer, maturity_model  # noqa: F401 - fixtures
from tests.surveys.conftest import invitation  # noqa: F401 - fixture

AS_OF = date(2026, 6, 30)


def _listen(app, receiver, events=None):
    with app.app_context():
        endpoint = add_endpoint(receiver.url, events, app.config["PORTAL_BASE_URL"])
        Session.commit()
        receiver.secret = endpoint.secret


def _flush(app):
    with app.app_context():
        report = flush()
        Session.commit()
    assert report.failed == 0


def test_a_portal_answer_raises_the_same_events_as_an_api_answer(app, client, world, invitation, receiver):
    _listen(app, receiver)
    _id, token = invitation(world["customer_a"])
    assert client.post(f"/s/{token}", data={"score": "2", "comment": "Slow"}).status_code in (200, 302)
    _flush(app)
    assert receiver.unverified == []
    assert sorted(receiver.types()) == ["nps.detractor", "nps.response"]
    data = receiver.verified[0]["body"]["data"]
    assert (data["account"], data["score"], data["comment"]) == ("ALPHA", 2, "Slow")


def test_a_band_change_and_its_warning(app, create_account, create_user, receiver):
    _listen(app, receiver, "health.band_changed,warning.raised")
    account = create_account(seats=10, customer_since=AS_OF - timedelta(days=300), external_id="BANDED")
    users = [create_user("customer", account=account, password=None) for _ in range(10)]
    with app.app_context():
        add_usage(account, users[:6], days_back(AS_OF, 55, 0))
        Session.add(HealthScore(account_id=account.id, as_of=AS_OF - timedelta(days=1), score=80, band="green",
                                components_json="[]"))
        Session.commit()
        recompute(AS_OF)
        Session.commit()
        recompute(AS_OF)  # the same day again: nothing new to tell
        Session.commit()
    _flush(app)
    bodies = {m["body"]["type"]: m["body"] for m in receiver.verified}
    assert sorted(receiver.types()) == ["health.band_changed", "warning.raised"]
    assert bodies["health.band_changed"]["data"] == {"account": "BANDED", "from": "green", "to": "yellow",
                                                     "score": 65.0, "as_of": AS_OF.isoformat()}
    assert bodies["warning.raised"]["data"]["kind"] == "band_drop"


def test_a_submitted_assessment(app, world, maturity_model, answer, receiver):  # noqa: F811
    _listen(app, receiver, ["assessment.submitted"])
    answer(world["account_a"], world["customer_a"], 3)
    _flush(app)
    assert receiver.types() == ["assessment.submitted"]
    data = receiver.verified[0]["body"]["data"]
    assert data["account"] == "ALPHA" and data["respondent"] == world["customer_a"].email


def test_a_viewed_share_link(app, world, client, login, receiver):
    _listen(app, receiver, "share.viewed")
    login(world["csm_a"])
    today = utcnow().date()
    page = client.post("/accounts/ALPHA/share", data={"start": (today - timedelta(days=30)).isoformat(),
                                                      "end": (today - timedelta(days=1)).isoformat(),
                                                      "note": "", "expires_in_days": "14"})
    token = re.search(r"/share/([A-Za-z0-9_-]{40,})", page.get_data(as_text=True)).group(1)
    assert app.test_client().get(f"/share/{token}").status_code == 200
    _flush(app)
    assert receiver.types() == ["share.viewed"]
    assert receiver.verified[0]["body"]["data"]["account"] == "ALPHA"
