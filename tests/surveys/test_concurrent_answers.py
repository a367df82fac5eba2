"""One survey link submitted from several devices at the same moment: one answer counts, nobody sees an error."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from models.db import Session
from models.surveys import DetractorFollowup, SurveyInvitation, SurveyResponse

DEVICES = 6


def test_simultaneous_submissions_store_one_answer_and_tell_the_rest_it_was_answered(app, world, invitation):
    """Six clients post the same token together: exactly one response and follow-up; five 'already answered'."""
    invitation_id, token = invitation(world["customer_a"])
    barrier = threading.Barrier(DEVICES)
    pages: list = [None] * DEVICES

    def submit(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/s/{token}", data={"score": "3", "comment": f"device {i}"})
        pages[i] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(DEVICES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(page is not None for page in pages), "a submission never finished"
    assert [status for status, _ in pages] == [200] * DEVICES
    thanked = [html for _, html in pages if "Your answer was saved" in html]
    already = [html for _, html in pages if "You have already answered" in html]
    assert len(thanked) == 1 and len(already) == DEVICES - 1
    with app.app_context():
        responses = Session.scalars(select(SurveyResponse)).all()
        assert len(responses) == 1 and responses[0].score == 3
        assert "device " in responses[0].comment
        assert Session.get(SurveyInvitation, invitation_id).response_id == responses[0].id
        assert Session.scalar(select(func.count()).select_from(DetractorFollowup)) == 1
        Session.remove()
    assert "You have already answered" in app.test_client().get(f"/s/{token}").get_data(as_text=True)
