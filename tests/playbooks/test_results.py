"""Measuring a playbook: reached against held-out accounts, by hand-checked outcomes."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from models.db import Session, utcnow
from models.knowledge import Article, KbView
from models.playbooks import PlaybookEpisode, PlaybookSend
from analytics.playbooks.results import measure
from tests.playbooks.conftest import add_feature, add_health, use_feature


def test_results_count_articles_feature_adoption_and_band_moves_per_group(app, world, make_playbook):
    reached, held = world["account_a"], world["account_b"]
    entered_day = utcnow().date() - timedelta(days=100)
    entered = datetime.combine(entered_day, time(8), tzinfo=timezone.utc)
    with app.app_context():
        add_feature("reports")
        article = Article(slug="reports-101", title="Reports 101", status="published")
        Session.add(article)
        Session.commit()
    playbook = make_playbook([{"kind": "tier", "in": ["top"]}], promoted_feature="reports",
                             email_body="Read {{ article_url:reports-101 }} to get started.")
    with app.app_context():
        episodes = {}
        for account, held_out in ((reached, False), (held, True)):
            episode = PlaybookEpisode(playbook_id=playbook.id, account_id=account.id, entered_at=entered,
                                      held_out=held_out, band_at_entry="yellow")
            Session.add(episode)
            Session.flush()
            episodes[account.id] = episode
        user = world["customer_a"]
        Session.add(PlaybookSend(playbook_id=playbook.id, episode_id=episodes[reached.id].id, account_id=reached.id,
                                 user_id=user.id, sent_at=entered))
        Session.add(KbView(article_id=article.id, account_id=reached.id, user_id=user.id, ts=entered + timedelta(days=5)))
        use_feature(reached.id, "reports", entered_day + timedelta(days=10))
        use_feature(held.id, "reports", entered_day - timedelta(days=3))  # before entering: not a start
        add_health(reached.id, entered_day + timedelta(days=30), 75, "green")
        add_health(reached.id, entered_day + timedelta(days=60), 72, "green")
        add_health(reached.id, entered_day + timedelta(days=90), 35, "red")
        add_health(held.id, entered_day + timedelta(days=29), 60, "yellow")  # a day before: stands for day 30
        add_health(held.id, entered_day + timedelta(days=54), 30, "red")  # six days before: stands for day 60
        add_health(held.id, entered_day + timedelta(days=70), 30, "red")  # twenty days before day 90: too old
        Session.commit()
        groups = measure(playbook)
    got = groups["reached"]
    assert (got.entered, got.contacted, got.opened_articles, got.started_feature) == (1, 1, 1, 1)
    assert got.moved[30] == {"up": 1, "down": 0, "same": 0, "measured": 1}
    assert got.moved[60] == {"up": 1, "down": 0, "same": 0, "measured": 1}
    assert got.moved[90] == {"up": 0, "down": 1, "same": 0, "measured": 1}
    got = groups["held_out"]
    assert (got.entered, got.contacted, got.opened_articles, got.started_feature) == (1, 0, 0, 0)
    assert got.moved[30] == {"up": 0, "down": 0, "same": 1, "measured": 1}
    assert got.moved[60] == {"up": 0, "down": 1, "same": 0, "measured": 1}
    assert got.moved[90]["measured"] == 0


def test_a_csm_sees_results_of_their_accounts_only(app, world, make_playbook):
    from portal.access import visible_accounts_clause

    playbook = make_playbook([{"kind": "tier", "in": ["top"]}])
    with app.app_context():
        for account in (world["account_a"], world["account_b"]):
            Session.add(PlaybookEpisode(playbook_id=playbook.id, account_id=account.id, held_out=False))
        Session.commit()
        csm = Session.get(type(world["csm_a"]), world["csm_a"].id)
        assert measure(playbook, visible_accounts_clause(csm))["reached"].entered == 1
        assert measure(playbook)["reached"].entered == 2
