"""Deleting segments and playbooks: confirmed, only by their owner or an admin, never a segment in use."""
from __future__ import annotations

from sqlalchemy import func, select

from models.db import Session
from models.playbooks import CsmTask, Playbook, PlaybookEpisode, PlaybookSend, Segment
from tests.conftest import sign_in


def _count(model, *where) -> int:
    return Session.scalar(select(func.count()).select_from(model).where(*where))


def _history(playbook_id: int, world) -> int:
    """One episode, one send and one task of the playbook for Alpha; returns the task's id."""
    episode = PlaybookEpisode(playbook_id=playbook_id, account_id=world["account_a"].id)
    Session.add(episode)
    Session.flush()
    Session.add(PlaybookSend(playbook_id=playbook_id, episode_id=episode.id, account_id=world["account_a"].id,
                             user_id=world["customer_a"].id))
    task = CsmTask(account_id=world["account_a"].id, playbook_id=playbook_id, episode_id=episode.id,
                   csm_id=world["csm_a"].id, text="Call them")
    Session.add(task)
    Session.commit()
    return task.id


def test_owner_deletes_a_playbook_with_its_history_and_then_its_segment(app, client, world, make_playbook):
    playbook = make_playbook([{"kind": "tier", "in": ["top"]}], owner=world["csm_a"], name="Renewal push")
    playbook_id, segment_id = playbook.id, playbook.segment_id
    task_id = _history(playbook_id, world)
    sign_in(client, world["csm_a"])

    in_use = client.post(f"/playbooks/segments/{segment_id}/delete", data={"confirm": "y"}, follow_redirects=True)
    assert "Playbooks still target this segment (Renewal push)" in in_use.get_data(as_text=True)
    assert _count(Segment, Segment.id == segment_id) == 1

    unconfirmed = client.post(f"/playbooks/{playbook_id}/delete", data={}, follow_redirects=True)
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert _count(Playbook, Playbook.id == playbook_id) == 1

    done = client.post(f"/playbooks/{playbook_id}/delete", data={"confirm": "y"}, follow_redirects=True)
    assert "Playbook Renewal push deleted" in done.get_data(as_text=True)
    Session.expire_all()
    assert _count(Playbook, Playbook.id == playbook_id) == 0
    assert _count(PlaybookEpisode, PlaybookEpisode.playbook_id == playbook_id) == 0
    assert _count(PlaybookSend, PlaybookSend.playbook_id == playbook_id) == 0
    task = Session.get(CsmTask, task_id)
    assert task is not None and task.playbook_id is None  # the CSM's task stays on the list
    assert task.episode_id is None  # cleared by delete_playbook: the key is NO ACTION (Citus)

    gone = client.post(f"/playbooks/segments/{segment_id}/delete", data={"confirm": "y"}, follow_redirects=True)
    assert "deleted" in gone.get_data(as_text=True)
    assert _count(Segment, Segment.id == segment_id) == 0


def test_another_csm_cannot_delete_and_gets_404(app, client, world, make_playbook):
    playbook = make_playbook([{"kind": "tier", "in": ["top"]}], owner=world["csm_a"])
    playbook_id, segment_id = playbook.id, playbook.segment_id
    sign_in(client, world["csm_b"])
    assert client.post(f"/playbooks/{playbook_id}/delete", data={"confirm": "y"}).status_code == 404
    assert client.post(f"/playbooks/segments/{segment_id}/delete", data={"confirm": "y"}).status_code == 404
    Session.expire_all()
    assert _count(Playbook, Playbook.id == playbook_id) == 1 and _count(Segment, Segment.id == segment_id) == 1


def test_admin_deletes_a_csms_playbook(app, client, world, make_playbook):
    playbook = make_playbook([{"kind": "tier", "in": ["top"]}], owner=world["csm_a"])
    playbook_id = playbook.id
    sign_in(client, world["admin"])
    page = client.get(f"/playbooks/{playbook_id}").get_data(as_text=True)
    assert "Delete the playbook" in page
    assert client.post(f"/playbooks/{playbook_id}/delete", data={"confirm": "y"}).status_code == 302
    Session.expire_all()
    assert _count(Playbook, Playbook.id == playbook_id) == 0
