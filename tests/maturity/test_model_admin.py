"""The model editor: validation on save, editing in place until answered, then a new version."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from models.db import Session
from models.maturity import AssessmentRound, MaturityDimension, MaturityModel
from surveys.maturity import services
from surveys.maturity.document import default_document
from tests.conftest import sign_in


def _plain(text: str) -> str:
    """The document without links to key features (none exist in these tests)."""
    return re.sub(r" \[feature: [^\]]+\]", "", text)


def _versions(app):
    with app.app_context():
        return list(Session.scalars(select(MaturityModel.version).order_by(MaturityModel.version)))


def test_admin_sees_the_default_model_ready_to_save_and_saves_version_one(app, client, world):
    sign_in(client, world["admin"])
    page = client.get("/admin/maturity").get_data(as_text=True)
    assert "Level 5: Optimising" in page and "No model exists yet" in page
    document = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    response = client.post("/admin/maturity", data={"document": html.unescape(document)}, follow_redirects=True)
    assert "Saved version 1 of the model." in response.get_data(as_text=True)
    assert _versions(app) == [1]


def test_a_level_gap_is_refused_on_save_and_nothing_is_stored(app, client, world, maturity_model):
    sign_in(client, world["admin"])
    text = default_document().replace("Level 3: Defined\n", "").replace("Dimension: Adoption", "Dimension: Use")
    html = client.post("/admin/maturity", data={"document": text}).get_data(as_text=True)
    assert "The model was not saved." in html and "level 3 is missing" in html
    assert 'aria-invalid="true"' in html  # the error is tied to the field
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(MaturityDimension)
                              .where(MaturityDimension.name == "Use")) == 0
    assert _versions(app) == [1]


def test_a_dimension_without_questions_is_refused_on_save(app, client, world, maturity_model):
    sign_in(client, world["admin"])
    text = default_document() + "\nDimension: Governance\nBehaviour 1: Nobody owns the product.\n"
    html = client.post("/admin/maturity", data={"document": text}).get_data(as_text=True)
    assert "The dimension &#39;Governance&#39; has no question; add at least one." in html
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(MaturityDimension)
                              .where(MaturityDimension.name == "Governance")) == 0


def test_a_link_to_an_unknown_key_feature_is_refused(app, client, world, maturity_model):
    sign_in(client, world["admin"])
    text = _plain(default_document()).replace("Most licensed users sign in every week.",
                                              "Most licensed users sign in every week. [feature: no_such_feature]")
    html = client.post("/admin/maturity", data={"document": text}).get_data(as_text=True)
    assert "No key feature is called no_such_feature; use one of the key features (none defined yet)" in html


def test_a_model_without_answers_is_edited_in_place(app, client, world, maturity_model):
    sign_in(client, world["admin"])
    text = _plain(default_document()).replace("Initial", "Starting")
    response = client.post("/admin/maturity", data={"document": text}, follow_redirects=True)
    assert "Saved version 1 of the model." in response.get_data(as_text=True)
    assert _versions(app) == [1]
    with app.app_context():
        assert services.current_model().levels[0].name == "Starting"


def test_editing_an_answered_model_makes_a_new_version_and_old_results_keep_theirs(app, client, world,
                                                                                  maturity_model, answer):
    old_round = answer(world["account_a"], world["customer_a"], 2)
    sign_in(client, world["admin"])
    text = _plain(default_document()).replace("Level 2: Developing", "Level 2: Emerging")
    response = client.post("/admin/maturity", data={"document": text}, follow_redirects=True)
    assert "Saved as version 2; version 1 has answers and stays as it was" in response.get_data(as_text=True)
    assert _versions(app) == [1, 2]
    with app.app_context():
        assert Session.get(AssessmentRound, old_round).model.version == 1
    # The old result still reads with version 1's names; the version page shows it unchanged.
    html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
    assert "Developing" in html and "Emerging" not in html and "model version 1" in html
    assert "Level 2: Developing" in client.get("/admin/maturity/versions/1").get_data(as_text=True)
    assert client.get("/admin/maturity/versions/7").status_code == 404


def test_a_new_round_after_an_edit_is_taken_on_the_new_version(app, world, maturity_model, answer, age_rounds):
    answer(world["account_a"], world["customer_a"], 2)
    with app.app_context():
        services.save_model(default_document().replace("Developing", "Emerging"), None, drop_unknown_features=True)
        Session.commit()
    age_rounds(world["account_a"], 45)
    new_round = answer(world["account_a"], world["customer_a"], 2)
    with app.app_context():
        rounds = list(Session.scalars(select(AssessmentRound).order_by(AssessmentRound.opened_at)))
        assert [r.model.version for r in rounds] == [1, 2]
        assert rounds[-1].id == new_round
