"""Taking the assessment: page by page with drafts, several respondents, access, and bad input."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models.db import Session
from models.maturity import AssessmentAnswer, AssessmentResponse, AssessmentRound, MaturityModel, MaturityOption
from models.usage import EngagementEvent
from portal.services import ServiceError
from surveys import maturity_services as services
from tests.conftest import sign_in
from tests.maturity.conftest import levels_for


def _count(app, model, *where):
    with app.app_context():
        return Session.scalar(select(func.count()).select_from(model).where(*where))


def _page_fields(html: str) -> dict[str, list[str]]:
    """Radio field name -> option values, in page order."""
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r'<input[^>]*type="radio"[^>]*>', html):
        name = re.search(r'name="(q\d+)"', tag).group(1)
        fields.setdefault(name, []).append(re.search(r'value="(\d+)"', tag).group(1))
    return fields


def test_customer_takes_the_assessment_page_by_page_and_sees_the_result(app, client, world, maturity_model):
    """One dimension per page, saved as a draft each time, then submitted: levels, rule and next steps show."""
    sign_in(client, world["customer_a"])
    page = client.get("/accounts/ALPHA/assessment")
    assert "Start the assessment" in page.get_data(as_text=True)
    first = client.get("/accounts/ALPHA/assessment/take/1").get_data(as_text=True)
    assert "Page 1 of 5" in first and "Adoption" in first
    fields = _page_fields(first)
    assert "data-autosave" in first and "/static/js/assessment.js" in first
    # Pick the third option (level 3) on page 1 and save as the page script does on every change (no button
    # pressed); the draft survives leaving the page.
    response = client.post("/accounts/ALPHA/assessment/take/1", data={name: values[2] for name, values in fields.items()})
    assert response.headers["Location"].endswith("/accounts/ALPHA/assessment/take/2")
    again = client.get("/accounts/ALPHA/assessment/take/1").get_data(as_text=True)
    for name, values in fields.items():
        assert re.search(rf'checked[^>]*value="{values[2]}"|value="{values[2]}"[^>]*checked', again)
    assert "2 of 7 questions answered" in client.get("/accounts/ALPHA/assessment/take/2").get_data(as_text=True)
    for number in range(2, 6):
        html = client.get(f"/accounts/ALPHA/assessment/take/{number}").get_data(as_text=True)
        client.post(f"/accounts/ALPHA/assessment/take/{number}",
                    data={name: values[3] for name, values in _page_fields(html).items()})
    review = client.get("/accounts/ALPHA/assessment/submit").get_data(as_text=True)
    assert "7 of 7 questions answered" in review
    done = client.post("/accounts/ALPHA/assessment/submit", follow_redirects=True).get_data(as_text=True)
    assert "your answers are submitted" in done
    assert "rounded down" in done  # the rule is stated on the page
    # Adoption 3, the four others 4: overall floor(19 / 5) = 3.
    assert re.search(r"Overall level.*?Defined", done, re.S)
    assert "Adoption</th>\n        <td>Defined (3)" in done
    assert "Every team uses the product for its daily work" not in done  # level 3 of Adoption, reached
    assert "New colleagues are onboarded to the product in their first week" in done  # level 4: the next step
    with app.app_context():
        assert Session.scalar(select(func.count()).select_from(EngagementEvent)
                              .where(EngagementEvent.kind == "assessment")) == 1


def test_two_respondents_combine_and_their_disagreement_is_shown_by_question(app, client, world, maturity_model,
                                                                            create_user, answer):
    colleague = create_user("customer", account=world["account_a"], name="Grace Colleague")
    answer(world["account_a"], world["customer_a"], 2)
    answer(world["account_a"], colleague, {"Adoption": 5, "Process": 3, "Measurement": 2, "Integration": 3,
                                           "Team enablement": 2})
    sign_in(client, world["customer_a"])
    html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
    assert "2 respondents" in html
    # Adoption: floor(mean(2, 2, 5, 5)) = 3; Process: floor(2.5) = 2; overall floor((3+2+2+2+2)/5) = 2.
    assert "Adoption</th>\n        <td>Defined (3)" in html
    assert "Process</th>\n        <td>Developing (2)" in html
    assert re.search(r"Overall level.*?Developing", html, re.S)
    section = html.split("Where respondents disagree")[1].split("Your view and your usage")[0]
    assert section.count("Adoption: ") == 2  # both Adoption questions, 2 against 5
    assert "Process:" not in section  # 2 against 3 is one level: not a disagreement
    assert "Grace Colleague: Nearly all of them (level 5" in section


def test_csm_and_admin_see_drafts_and_results_but_cannot_answer(app, client, world, maturity_model, answer):
    answer(world["account_a"], world["customer_a"], 3, submit=False)
    for role in ("csm_a", "admin"):
        sign_in(client, world[role])
        html = client.get("/accounts/ALPHA/assessment").get_data(as_text=True)
        assert "Draft" in html and "7 of 7 questions" in html
        assert client.get("/accounts/ALPHA/assessment/take/1").status_code == 403
        assert client.post("/accounts/ALPHA/assessment/take/1", data={}).status_code == 403
        assert client.post("/accounts/ALPHA/assessment/submit").status_code == 403
        client.post("/logout")
    assert _count(app, AssessmentResponse, AssessmentResponse.status == "submitted") == 0


@pytest.mark.parametrize("role", ["customer_a", "csm_a"])
def test_another_accounts_assessment_and_rounds_answer_404(app, client, world, maturity_model, answer, role):
    round_b = answer(world["account_b"], world["customer_b"], 4)
    sign_in(client, world[role])
    assert client.get("/accounts/BETA/assessment").status_code == 404
    assert client.get(f"/accounts/BETA/assessment/rounds/{round_b}").status_code == 404
    # B's round id addressed through A's own account is unknown too.
    assert client.get(f"/accounts/ALPHA/assessment/rounds/{round_b}").status_code == 404
    assert client.get("/accounts/BETA/assessment/chart/history.json").status_code == 404


def test_submission_for_another_account_is_refused_and_stores_nothing(app, client, world, maturity_model):
    sign_in(client, world["customer_a"])
    assert client.post("/accounts/BETA/assessment/take/1", data={}).status_code == 404
    assert client.post("/accounts/BETA/assessment/submit").status_code == 404
    with app.app_context():
        with pytest.raises(ServiceError, match="your own account"):
            services.start_response(world["account_b"], world["customer_a"])
        Session.rollback()
    assert _count(app, AssessmentRound) == 0


def test_an_answer_not_among_the_options_is_refused_and_nothing_of_the_page_is_stored(app, client, world, maturity_model):
    sign_in(client, world["customer_a"])
    fields = _page_fields(client.get("/accounts/ALPHA/assessment/take/1").get_data(as_text=True))
    (first, first_values), (second, _) = list(fields.items())
    response = client.post("/accounts/ALPHA/assessment/take/1", data={first: first_values[0], second: "999999"},
                           follow_redirects=True)
    assert "Pick one of the options shown" in response.get_data(as_text=True)
    assert _count(app, AssessmentAnswer) == 0
    # An option that exists but belongs to another question is refused by the service just the same.
    with app.app_context():
        model = Session.get(MaturityModel, maturity_model)
        questions = [q for d in model.dimensions for q in d.questions]
        response_row = services.start_response(world["account_a"], world["customer_a"])
        with pytest.raises(ServiceError, match="not among the options"):
            services.save_answers(response_row, world["customer_a"],
                                  {questions[0].id: questions[0].options[0].id, questions[1].id: questions[0].options[1].id})
        Session.rollback()
    assert _count(app, AssessmentAnswer) == 0


def test_a_question_of_another_model_version_is_refused(app, world, maturity_model, answer):
    answer(world["account_b"], world["customer_b"], 3)  # version 1 now has answers
    with app.app_context():
        services.save_model(services.document.default_document().replace("Initial", "Starting"), None,
                            drop_unknown_features=True)
        Session.commit()
        version_two = services.current_model()
        response = services.start_response(world["account_a"], world["customer_a"])  # a round on version 2
        old = Session.get(MaturityModel, maturity_model)
        old_question = old.dimensions[0].questions[0]
        with pytest.raises(ServiceError, match="another version of the model"):
            services.save_answers(response, world["customer_a"], {old_question.id: old_question.options[0].id})
        Session.rollback()
        assert version_two.version == 2
    assert _count(app, AssessmentAnswer, AssessmentAnswer.account_id == world["account_a"].id) == 0


def test_a_second_submit_is_refused_and_the_result_counts_the_respondent_once(app, client, world, maturity_model, answer):
    answer(world["account_a"], world["customer_a"], 3)
    sign_in(client, world["customer_a"])
    again = client.post("/accounts/ALPHA/assessment/submit", follow_redirects=True).get_data(as_text=True)
    assert "already submitted" in again
    with app.app_context():
        assessment_round = Session.scalar(select(AssessmentRound))
        response = Session.scalar(select(AssessmentResponse))
        with pytest.raises(ServiceError, match="already submitted"):
            services.submit_response(response, world["customer_a"])
        Session.rollback()
        assert assessment_round.respondents == 1
    assert _count(app, AssessmentAnswer) == 7


def test_an_incomplete_draft_cannot_be_submitted(app, client, world, maturity_model):
    with app.app_context():
        model = Session.get(MaturityModel, maturity_model)
        response = services.start_response(world["account_a"], world["customer_a"])
        first = model.dimensions[0].questions[0]
        services.save_answers(response, world["customer_a"], {first.id: first.options[0].id})
        Session.commit()
    sign_in(client, world["customer_a"])
    review = client.get("/accounts/ALPHA/assessment/submit").get_data(as_text=True)
    assert "still open: Adoption, Process, Measurement, Integration, Team enablement" in review
    html = client.post("/accounts/ALPHA/assessment/submit", follow_redirects=True).get_data(as_text=True)
    assert "Answer every question before submitting" in html
    assert _count(app, AssessmentResponse, AssessmentResponse.status == "submitted") == 0


def test_charts_answer_bokeh_json_or_an_empty_state(app, client, world, maturity_model, answer, age_rounds):
    sign_in(client, world["customer_a"])
    empty = client.get("/accounts/ALPHA/assessment/chart/compare.json").get_json()
    assert empty["empty"] is True and "No assessment" in empty["message"]
    answer(world["account_a"], world["customer_a"], 2)
    age_rounds(world["account_a"], 60)
    answer(world["account_a"], world["customer_a"], 3)
    compare = client.get("/accounts/ALPHA/assessment/chart/compare.json").get_data(as_text=True)
    assert "latest assessment against the previous one" in compare and "Previous (" in compare
    assert "HoverTool" in compare
    history = client.get("/accounts/ALPHA/assessment/chart/history.json").get_data(as_text=True)
    assert "Level per dimension at each assessment" in history and "Team enablement" in history


def test_options_map_to_levels_as_stored(app, maturity_model):
    with app.app_context():
        model = Session.get(MaturityModel, maturity_model)
        answers = levels_for(model, 4)
        assert {Session.get(MaturityOption, option).level for option in answers.values()} == {4}


def test_autosave_answers_204_and_keeps_the_draft_without_a_flash_message(app, client, world, maturity_model):
    """The page script's save stays on the page: 204 on success, 422 for a bad answer, never a redirect."""
    sign_in(client, world["customer_a"])
    fields = _page_fields(client.get("/accounts/ALPHA/assessment/take/1").get_data(as_text=True))
    name, values = next(iter(fields.items()))
    saved = client.post("/accounts/ALPHA/assessment/take/1", data={name: values[1]}, headers={"X-Autosave": "1"})
    assert saved.status_code == 204 and "Location" not in saved.headers
    assert _count(app, AssessmentAnswer) == 1
    refused = client.post("/accounts/ALPHA/assessment/take/1", data={name: "999999"}, headers={"X-Autosave": "1"})
    assert refused.status_code == 422
    page = client.get("/accounts/ALPHA/assessment/take/1").get_data(as_text=True)
    assert "Pick one of the options" not in page  # the failed background save left no message behind
    assert re.search(rf'checked[^>]*value="{values[1]}"|value="{values[1]}"[^>]*checked', page)
