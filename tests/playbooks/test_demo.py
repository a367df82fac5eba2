"""The demo's playbooks tell a consistent story: history, and a run right after seeding sends nothing new."""
from __future__ import annotations

from sqlalchemy import func, select

from analytics.playbooks.engine import run_playbooks
from models.db import Session
from models.playbooks import CsmTask, Playbook, PlaybookEpisode, PlaybookSend
from portal.demo import seed_demo


def test_demo_seeds_three_playbooks_with_history_and_nothing_left_to_send(app):
    with app.app_context():
        seed_demo(n_accounts=8, days=120, seed=3)
        Session.commit()
        names = list(Session.scalars(select(Playbook.name).order_by(Playbook.id)))
        assert names == ["Key feature unused after 30 days", "Detractor follow-up", "Renewal in 90 days and yellow"]
        assert Session.scalar(select(func.count()).select_from(PlaybookEpisode)) > 0
        assert Session.scalar(select(func.count()).select_from(PlaybookSend)) > 0
        assert Session.scalar(select(func.count()).select_from(CsmTask)) > 0
        report = run_playbooks(dry_run=True)
        Session.rollback()
    assert (report.entered, report.mails, report.tasks, report.problems) == (0, 0, 0, [])
