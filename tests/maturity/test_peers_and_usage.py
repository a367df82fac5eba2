"""The peer benchmark's k-anonymity floor and the level the account's usage suggests, as the page shows them."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models.db import Session, utcnow
from models.knowledge import Article, KbArticleLevel, kb_article_feature
from models.usage import KeyFeature, UsageFeatureDay
from core.settings import set_setting
from surveys.maturity import services
from surveys.maturity.document import default_document
from tests.conftest import sign_in
from tests.maturity.conftest import levels_for


@pytest.fixture
def one_tier(app):
    """Every account in the same (leveraged) tier."""
    with app.app_context():
        set_setting("tiers.top_share", 0.0)
        set_setting("tiers.scalable_share", 0.0)
        Session.commit()


def _peers(n, create_account, create_user, answer):
    for index in range(n):
        account = create_account(arr=Decimal("20000"))
        answer(account, create_user("customer", account=account), 1 + index % 5)


def test_peer_benchmark_is_hidden_with_four_other_accounts(app, client, world, maturity_model, one_tier,
                                                           create_account, create_user, answer):
    answer(world["account_a"], world["customer_a"], 3)
    _peers(3, create_account, create_user, answer)  # with account B: four others have results
    answer(world["account_b"], world["customer_b"], 2)
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
    assert "appears once at least 5 other accounts of the same tier have an assessment result" in html
    assert "First quartile" not in html
    chart = client.get("/accounts/ALPHA/assessment/chart/peers.json").get_json()
    assert chart["empty"] is True and "at least 5 other accounts" in chart["message"]


def test_peer_benchmark_is_shown_with_five_other_accounts(app, client, world, maturity_model, one_tier,
                                                          create_account, create_user, answer):
    answer(world["account_a"], world["customer_a"], 3)
    _peers(5, create_account, create_user, answer)  # levels 1, 2, 3, 4, 5
    sign_in(client, world["csm_a"])
    html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
    assert "Latest levels of 5 other accounts of the same tier (leveraged)" in html
    assert "<th scope=\"row\">Overall</th><td>3</td><td>1.5</td><td>3</td><td>4.5</td>" in html
    chart = client.get("/accounts/ALPHA/assessment/chart/peers.json").get_data(as_text=True)
    assert "Alpha Inc against the other accounts of the leveraged tier" in chart and "Peers: median" in chart


def test_usage_suggested_level_is_shown_beside_the_self_assessed_one_with_a_sentence(app, client, world):
    today = utcnow().date()
    with app.app_context():
        Session.add_all([KeyFeature(feature="reports", name="Reports"),
                         KeyFeature(feature="scheduled_reports", name="Scheduled reports")])
        Session.flush()
        services.save_model(default_document(), None, drop_unknown_features=True)
        account_id = world["account_a"].id
        Session.add_all([
            UsageFeatureDay(account_id=account_id, day=today - timedelta(days=10), feature="reports", users=3, events=9),
            # Scheduled reports were used, but 120 days ago: outside the 90-day window.
            UsageFeatureDay(account_id=account_id, day=today - timedelta(days=120), feature="scheduled_reports",
                            users=1, events=2),
        ])
        response = services.start_response(world["account_a"], world["customer_a"])
        model = services.current_model()
        services.save_answers(response, world["customer_a"], levels_for(model, 4))
        services.submit_response(response, world["customer_a"])
        Session.commit()
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
    assert ("You rate Measurement as Managed; your usage suggests Developing: nobody used Scheduled reports in the "
            "last 90 days, which Defined relies on.") in html
    section = html.split("Your view and your usage")[1]
    assert "no key feature tied to this dimension" in section  # e.g. Team enablement has no feature link


def test_next_steps_link_the_published_articles_of_their_behaviours_and_features(app, client, world, answer):
    with app.app_context():
        scheduled = KeyFeature(feature="scheduled_reports", name="Scheduled reports")
        Session.add(scheduled)
        Session.flush()
        services.save_model(default_document(), None, drop_unknown_features=True)
        for slug, title, status in (("your-first-report", "Your first report", "published"),
                                    ("schedule-reports", "Schedule your reports", "published"),
                                    ("draft-notes", "Unfinished notes", "draft")):
            article = Article(slug=slug, title=title, status=status)
            if slug != "your-first-report":
                article.levels = [KbArticleLevel(level=3)]
            Session.add(article)
            Session.flush()
            if slug == "schedule-reports":
                Session.execute(kb_article_feature.insert().values(article_id=article.id, key_feature_id=scheduled.id))
        Session.commit()
    answer(world["account_a"], world["customer_a"], {"Adoption": 3, "Process": 2, "Measurement": 2,
                                                     "Integration": 2, "Team enablement": 2})
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
    measurement = html.split('<th scope="row">Measurement</th>')[1].split("</tr>")[0]
    # Measurement at 2: the next step (level 3) is scheduled reports, whose article is linked to that feature.
    assert '<a href="/kb/schedule-reports">Schedule your reports</a>' in measurement
    assert "your-first-report" not in measurement  # a level-2 behaviour's article: already reached
    assert 'Reading for the next overall level, Defined:' in html
    assert "Unfinished notes" not in html  # drafts are never offered
